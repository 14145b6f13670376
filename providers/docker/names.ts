/**
 * How fleet names and labels what it makes on a Docker engine. Live state is read
 * back from these alone (DESIGN.md: no database): the container's name says which
 * host it is, its labels say who owns it and what spec it was made from.
 */
import type { ProviderContext } from "../../src/core/contracts/provider.ts";

/** The fleet dir inside every host container. */
export const FLEET_DIR = "/fleet";

export const LABELS = {
  /** The owning fleet's name; "" for a host made outside a fleet file. */
  fleet: "dev.fleet.fleet",
  host: "dev.fleet.host",
  specHash: "dev.fleet.spec-hash",
  /** The resolved HostSpec as JSON, so a plan can show field diffs. */
  spec: "dev.fleet.spec",
  /** The container runs fleet's keep-alive, which also answers probes (host-channel.ts). */
  channel: "dev.fleet.channel",
  /** "1" on containers whose first program is the network gate (gate.ts). */
  gate: "dev.fleet.gate",
  /** On snapshot images: the host they were committed from. */
  snapshotOf: "dev.fleet.snapshot-of",
  /** On images committed only to re-create a host's container (removed with it). */
  intermediate: "dev.fleet.intermediate-of",
  /** On snapshot and intermediate images: the FLEET_PREFIX of the controller that made them (fleet gc judges only its own). */
  controller: "dev.fleet.controller",
  /** On throwaway containers that check an image's tools. */
  imageCheck: "dev.fleet.image-check",
} as const;

export const containerName = (prefix: string, host: string): string => `${prefix}${host}`;

/**
 * One path component of an image name: Docker wants lowercase letters, digits and
 * single separators, starting and ending with a letter or digit.
 */
export function imageNamePart(text: string): string {
  const part = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/[._-]{2,}/g, "-")
    .replace(/^[._-]+|[._-]+$/g, "");
  return part === "" ? "host" : part;
}

/** `fleet-snapshot/<host>:<utc stamp>`, as repo and tag. */
export function snapshotReference(host: string, now: Date): { repo: string; tag: string } {
  return { repo: `fleet-snapshot/${imageNamePart(host)}`, tag: utcStamp(now) };
}

/** The tag `build:` images get: one per container name, so parallel fleets do not clash. */
export const buildReference = (container: string): string =>
  `fleet-build/${imageNamePart(container)}:latest`;

/** 20250102T030405Z: sortable, valid in tags and file names. */
export const utcStamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

/**
 * The fleet a provider call acts for (ProviderContext.fleet); null when absent
 * (a host made outside a fleet file, e.g. for `fleet create`).
 */
export function owningFleet(ctx: ProviderContext): string | null {
  return ctx.fleet !== undefined && ctx.fleet !== null && ctx.fleet !== "" ? ctx.fleet : null;
}

/** Text as a literal in a regular expression (the engine's name filter is one). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
