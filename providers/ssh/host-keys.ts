/**
 * Host keys: reading a host's keys with ssh-keyscan, their SHA256 fingerprints
 * (what `ssh-keygen -lf` prints), and the known_hosts files fleet pins them in.
 * Entries are written under the fleet host's name, which ssh is told to look up
 * (HostKeyAlias), so a pin survives an address written as an ~/.ssh/config alias.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { FleetError } from "../../src/core/errors.ts";
import { runProcess } from "./ssh-process.ts";

export interface HostPublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ... */
  type: string;
  /** The key, base64 as in known_hosts. */
  blob: string;
}

/** `SHA256:...`, the way OpenSSH prints it (base64 of the key blob's SHA-256, unpadded). */
export function fingerprint(key: HostPublicKey): string {
  const digest = createHash("sha256").update(Buffer.from(key.blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/** ED25519, ECDSA, RSA: the names ssh uses in its messages. */
export function keyTypeLabel(type: string): string {
  if (type === "ssh-ed25519") return "ED25519";
  if (type.startsWith("ecdsa-")) return "ECDSA";
  if (type === "ssh-rsa") return "RSA";
  if (type.startsWith("sk-ssh-ed25519")) return "ED25519-SK";
  if (type.startsWith("sk-ecdsa")) return "ECDSA-SK";
  return type.toUpperCase();
}

const KEY_TYPE = /^(?:ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp\d+|sk-[\w@.-]+)$/;

/**
 * Keys in known_hosts lines (`host type blob`), ssh-keyscan output (the same) or
 * public key lines (`type blob comment`). Comments and other lines are skipped.
 */
export function parseKeys(text: string): HostPublicKey[] {
  const keys: HostPublicKey[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = line.split(/\s+/);
    const at = KEY_TYPE.test(words[0] ?? "") ? 0 : KEY_TYPE.test(words[1] ?? "") ? 1 : -1;
    const type = words[at];
    const blob = words[at + 1];
    if (at === -1 || type === undefined || blob === undefined) continue;
    if (!keys.some((k) => k.type === type && k.blob === blob)) keys.push({ type, blob });
  }
  return keys;
}

/** A known_hosts file pinning `keys` for ssh's HostKeyAlias `alias`. */
export const knownHostsText = (alias: string, keys: readonly HostPublicKey[]): string =>
  keys.map((key) => `${alias} ${key.type} ${key.blob}\n`).join("");

export async function readKnownHosts(file: string): Promise<HostPublicKey[]> {
  try {
    return parseKeys(await readFile(file, "utf8"));
  } catch {
    return [];
  }
}

export const sameKeys = (a: readonly HostPublicKey[], b: readonly HostPublicKey[]): boolean =>
  a.length === b.length &&
  a.every((key) => b.some((k) => k.type === key.type && k.blob === key.blob));

/** The key ssh would use among `keys`: the type it named, else ED25519, ECDSA, RSA. */
export function preferredKey(
  keys: readonly HostPublicKey[],
  label?: string,
): HostPublicKey | undefined {
  const order = ["ED25519", "ECDSA", "RSA"];
  return (
    keys.find((key) => label !== undefined && keyTypeLabel(key.type) === label) ??
    [...keys].sort(
      (a, b) => rank(order, keyTypeLabel(a.type)) - rank(order, keyTypeLabel(b.type)),
    )[0]
  );
}

const rank = (order: string[], label: string): number => {
  const at = order.indexOf(label);
  return at === -1 ? order.length : at;
};

/** The host's public keys, read with ssh-keyscan (no login, nothing is trusted). */
export async function scanHostKeys(
  target: { hostname: string; port: number },
  env: NodeJS.ProcessEnv,
  timeoutS = 5,
): Promise<HostPublicKey[]> {
  const result = await runProcess(
    "ssh-keyscan",
    ["-T", String(timeoutS), "-p", String(target.port), "--", target.hostname],
    { env, timeoutMs: (timeoutS + 2) * 1000 },
  );
  const keys = parseKeys(result.stdout);
  if (keys.length === 0) {
    const reason = result.stderr
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"))
      .join("; ");
    throw new FleetError(
      "SSH_UNREACHABLE",
      `cannot read the host key of ${target.hostname} port ${target.port}${reason === "" ? ": no answer" : `: ${reason}`}`,
      { fault: "system", hint: "check that the host is up and its sshd listens on that port" },
    );
  }
  return keys;
}
