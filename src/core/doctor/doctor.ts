/**
 * `fleet doctor`: what this machine has of what fleet uses, with versions, and
 * which of it the fleet file needs. Only a missing piece that is needed fails
 * the report; without a fleet file, tmux and git are needed (every local agent
 * runs in tmux; work dirs are git worktrees) and the rest is information.
 */
import { realpathSync } from "node:fs";
import type { DesiredState } from "../model.ts";
import { join } from "node:path";
import { findPulumiBin } from "../../engines/pulumi/pulumi-binary.ts";
import { binaryVersion, findBinary } from "./find-binary.ts";
import { fleetNeeds, type Needs, remoteAgentClis } from "./needs.ts";

export const BASE_IMAGE = "fleet/base:bookworm";

export type CheckStatus = "ok" | "missing" | "error" | "info";

export interface DoctorCheck {
  name: string;
  group: "runtime" | "docker" | "ssh" | "agents" | "engine";
  status: CheckStatus;
  /** True when the fleet file (or, without one, fleet itself) needs it. */
  required: boolean;
  version?: string;
  path?: string;
  detail?: string;
  neededBy: string[];
  hint?: string;
}

export interface DoctorReport {
  format_version: "1.0";
  fleetFile: string | null;
  ok: boolean;
  checks: DoctorCheck[];
  notes: string[];
}

export interface DoctorOptions {
  desired?: DesiredState;
  /** Asks the Docker engine; loaded lazily so a machine without Docker pays nothing. */
  probeEngine?: (images: readonly string[]) => Promise<EngineAnswer>;
}

export interface EngineAnswer {
  socket: string;
  reachable: boolean;
  version?: string;
  apiVersion?: string;
  error?: string;
  /** For each image asked about: whether the engine has it. */
  images: Record<string, boolean>;
}

interface BinarySpec {
  name: string;
  group: DoctorCheck["group"];
  /** How it prints its version (default --version); null: it has no such flag. */
  versionArg?: string | null;
  hint: string;
}

const BINARIES: BinarySpec[] = [
  { name: "tmux", group: "runtime", versionArg: "-V", hint: "install tmux (apt-get install tmux)" },
  { name: "git", group: "runtime", hint: "install git (apt-get install git)" },
  { name: "flock", group: "runtime", hint: "install util-linux (apt-get install util-linux)" },
  {
    name: "ssh",
    group: "ssh",
    versionArg: "-V",
    hint: "install OpenSSH (apt-get install openssh-client)",
  },
  {
    name: "ssh-keyscan",
    group: "ssh",
    versionArg: null,
    hint: "install OpenSSH (apt-get install openssh-client)",
  },
  {
    name: "claude",
    group: "agents",
    hint: "install Claude Code (npm install -g @anthropic-ai/claude-code)",
  },
  { name: "codex", group: "agents", hint: "install Codex (npm install -g @openai/codex)" },
  { name: "opencode", group: "agents", hint: "install opencode (npm install -g opencode-ai)" },
];

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const { desired } = options;
  const needs: Needs = desired
    ? fleetNeeds(desired)
    : new Map([
        ["tmux", ["fleet"]],
        ["git", ["fleet"]],
      ]);
  const images = desired
    ? [...needs.keys()].filter((k) => k.startsWith("image:")).map((k) => k.slice("image:".length))
    : [BASE_IMAGE];
  const [node, binaries, engine, pulumi] = await Promise.all([
    nodeChecks(),
    Promise.all(BINARIES.map((spec) => binaryCheck(spec, needs))),
    engineChecks(options.probeEngine, images, needs),
    pulumiCheck().then((check) => [check]),
  ]);
  const checks = [...node, ...binaries, ...engine, ...pulumi].sort(
    (a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group),
  );
  const notes = desired
    ? remoteAgentClis(desired).map(
        (a) => `agent ${a} needs its CLI on that host (not checked from here)`,
      )
    : ["no fleet file here: only tmux and git are required; pass -f FILE to check what it needs"];
  return {
    format_version: "1.0",
    fleetFile: desired?.source ?? null,
    ok: checks.every((c) => !c.required || c.status === "ok"),
    checks,
    notes,
  };
}

const GROUPS: DoctorCheck["group"][] = ["runtime", "docker", "ssh", "agents", "engine"];

async function nodeChecks(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    {
      name: "node",
      group: "runtime",
      status: "ok",
      required: true,
      version: process.version,
      path: process.execPath,
      neededBy: ["fleet"],
    },
  ];
  // The `node` a shell finds may be another one: the cause of "registerHooks is not a function".
  const onPath = await findBinary("node");
  if (onPath !== undefined && realpath(onPath.path) !== realpath(process.execPath)) {
    checks.push({
      name: "node (PATH)",
      group: "runtime",
      status: "info",
      required: false,
      path: onPath.path,
      ...(onPath.version === undefined ? {} : { version: onPath.version }),
      detail: "not the node fleet runs on: bin/fleet.js refuses it if it is too old",
      neededBy: [],
    });
  }
  return checks;
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function binaryCheck(spec: BinarySpec, needs: Needs): Promise<DoctorCheck> {
  const neededBy = needs.get(spec.name) ?? [];
  const required = neededBy.length > 0;
  const found = await findBinary(spec.name, spec.versionArg);
  if (found === undefined) {
    return {
      name: spec.name,
      group: spec.group,
      status: required ? "missing" : "info",
      required,
      detail: "not found on PATH",
      neededBy,
      hint: spec.hint,
    };
  }
  return {
    name: spec.name,
    group: spec.group,
    status: "ok",
    required,
    path: found.path,
    ...(found.version === undefined ? {} : { version: found.version }),
    neededBy,
  };
}

async function engineChecks(
  probe: DoctorOptions["probeEngine"],
  images: readonly string[],
  needs: Needs,
): Promise<DoctorCheck[]> {
  const neededBy = needs.get("docker") ?? [];
  const required = neededBy.length > 0;
  const load =
    probe ??
    (async (i: readonly string[]) =>
      (await import("../../../providers/docker/engine-probe.ts")).probeEngine(i));
  const answer = await load(images);
  const engine: DoctorCheck = answer.reachable
    ? {
        name: "docker engine",
        group: "docker",
        status: "ok",
        required,
        path: answer.socket,
        ...(answer.version === undefined ? {} : { version: answer.version }),
        ...(answer.apiVersion === undefined ? {} : { detail: `API ${answer.apiVersion}` }),
        neededBy,
      }
    : {
        name: "docker engine",
        group: "docker",
        status: required ? "missing" : "info",
        required,
        path: answer.socket,
        detail: `not reachable${answer.error ? `: ${answer.error}` : ""}`,
        neededBy,
        hint: "start the Docker engine (dockerd), or set DOCKER_HOST=unix:///path/to/docker.sock",
      };
  const imageChecks = images.map((image): DoctorCheck => {
    const imageNeeds = needs.get(`image:${image}`) ?? [];
    const present = answer.images[image];
    const imageRequired = imageNeeds.length > 0;
    return {
      name: `image ${image}`,
      group: "docker",
      status: present === true ? "ok" : imageRequired ? "missing" : "info",
      required: imageRequired,
      ...(present === true
        ? {}
        : { detail: answer.reachable ? "not in the engine" : "not checked: no engine" }),
      neededBy: imageNeeds,
      ...(present === true ? {} : { hint: imageHint(image) }),
    };
  });
  return [engine, ...imageChecks];
}

function imageHint(image: string): string {
  if (image === BASE_IMAGE)
    return "build it: bash scripts/build-base-image.sh (see docs/testing.md)";
  if (image.startsWith("fleet-snapshot/"))
    return "make it with `fleet snapshot AGENT` on this machine";
  return `pull or build ${image} into this machine's engine (docker pull ${image})`;
}

/** The Pulumi engine's CLI, where `--engine pulumi` looks for it; its plugins ship with fleet. */
async function pulumiCheck(): Promise<DoctorCheck> {
  let dir: string | undefined;
  try {
    dir = findPulumiBin();
  } catch {
    dir = undefined;
  }
  const path = dir === undefined ? undefined : join(dir, "pulumi");
  const version = path === undefined ? undefined : await binaryVersion(path, "version");
  return {
    name: "pulumi",
    group: "engine",
    status: "info",
    required: false,
    ...(path === undefined ? {} : { path }),
    ...(version === undefined ? {} : { version }),
    detail:
      path === undefined
        ? "not found; only --engine pulumi needs it (bash scripts/build-pulumi.sh builds it)"
        : "found; --engine pulumi can run",
    neededBy: [],
  };
}
