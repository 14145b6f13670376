/**
 * An SSH host's fields (`address`, `port`, `identityFile`, `hostKey`, `fleetDir`),
 * checked and read from a HostSpec. Pure: nothing here touches the network or disk.
 */
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";

export interface SshHostConfig {
  /** `user@host` or `host` (a name from ~/.ssh/config works too). */
  address: string;
  port?: number;
  /** Absolute path of a private key on the controller. */
  identityFile?: string;
  /** Public key lines (`ssh-ed25519 AAAA...`) pinned in the fleet file. */
  hostKey?: string;
  /** The fleet dir on the host; `~/` is the remote user's home. Default `~/.fleet`. */
  fleetDir?: string;
}

const KNOWN_FIELDS = new Set(["address", "port", "identityFile", "hostKey", "fleetDir"]);
/** user@host, host, user@[v6]; no spaces, no leading dash (it would read as an ssh option). */
const ADDRESS =
  /^(?:[A-Za-z0-9._+-][A-Za-z0-9._+-]*@)?(?:[A-Za-z0-9_][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])$/;
/** One public key: type, base64 blob, optional comment. */
const PUBLIC_KEY =
  /^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}(?: .*)?$/;

export interface FieldProblem {
  path: string;
  message: string;
}

export function validateSshHost(host: HostSpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const config = host.config;
  for (const key of Object.keys(config)) {
    if (!KNOWN_FIELDS.has(key)) {
      problems.push({
        path: key,
        message: `"${key}" is not a field of an ssh host (it takes address, port, identityFile, hostKey, fleetDir)`,
      });
    }
  }
  const address = config.address;
  if (address === undefined) {
    problems.push({ path: "address", message: "an ssh host needs an address: user@host or host" });
  } else if (typeof address !== "string" || !ADDRESS.test(address)) {
    problems.push({
      path: "address",
      message: `expected user@host or host (no spaces, not starting with -), not ${JSON.stringify(address)}`,
    });
  }
  const port = config.port;
  if (
    port !== undefined &&
    !(typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535)
  ) {
    problems.push({ path: "port", message: "expected a port from 1 to 65535" });
  }
  const identityFile = config.identityFile;
  if (identityFile !== undefined && (typeof identityFile !== "string" || identityFile === "")) {
    problems.push({ path: "identityFile", message: "expected the path of a private key file" });
  }
  const hostKey = config.hostKey;
  if (hostKey !== undefined) {
    const lines = typeof hostKey === "string" ? keyLines(hostKey) : [];
    if (lines.length === 0 || lines.some((line) => !PUBLIC_KEY.test(line))) {
      problems.push({
        path: "hostKey",
        message:
          "expected the host's public key as in its /etc/ssh/ssh_host_*_key.pub: `ssh-ed25519 AAAA...`",
      });
    }
  }
  const fleetDir = config.fleetDir;
  if (
    fleetDir !== undefined &&
    (typeof fleetDir !== "string" ||
      !(fleetDir.startsWith("/") || fleetDir.startsWith("~/")) ||
      /[\n\0]/.test(fleetDir))
  ) {
    problems.push({
      path: "fleetDir",
      message: "expected an absolute path on the host, or one starting with ~/",
    });
  }
  if (host.resources && Object.keys(host.resources).length > 0) {
    problems.push({
      path: "resources",
      message: "an ssh host cannot enforce resource limits; use a docker host for that",
    });
  }
  return problems;
}

/** The host's SSH fields; throws when they were not validated first. */
export function sshConfig(host: HostSpec): SshHostConfig {
  const problems = validateSshHost(host).filter((p) => p.path !== "resources");
  if (problems.length > 0) {
    throw new FleetError(
      "HOST_INVALID",
      `host ${host.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
      { hint: "fix the host in the fleet file (`fleet validate` checks it)" },
    );
  }
  const c = host.config;
  const config: SshHostConfig = { address: c.address as string };
  if (typeof c.port === "number") config.port = c.port;
  if (typeof c.identityFile === "string") config.identityFile = c.identityFile;
  if (typeof c.hostKey === "string") config.hostKey = c.hostKey;
  if (typeof c.fleetDir === "string") config.fleetDir = c.fleetDir;
  return config;
}

/** Non-empty, trimmed lines of a hostKey field. */
export const keyLines = (text: string): string[] =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** `user@host port 2222`, for messages. */
export const describeAddress = (config: SshHostConfig): string =>
  config.port === undefined ? config.address : `${config.address} port ${config.port}`;
