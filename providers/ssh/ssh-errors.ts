/**
 * Telling ssh's own failures (exit 255 with its message) from a remote command's
 * exit code, and turning them into FleetErrors that say what to do.
 */
import { FleetError } from "../../src/core/errors.ts";

export type SshFailure =
  | { kind: "hostkey-unknown"; keyType: string | undefined }
  | { kind: "hostkey-changed"; keyType: string | undefined; fingerprint: string | undefined }
  | { kind: "auth"; reason: string }
  | { kind: "unreachable"; reason: string }
  | { kind: "other"; reason: string };

const UNREACHABLE = [
  /^ssh: connect to host .*$/m,
  /^ssh: Could not resolve hostname .*$/m,
  /^kex_exchange_identification: .*$/m,
  /^Connection (?:closed|reset|timed out) .*$/m,
  /^ssh_exchange_identification: .*$/m,
  /^banner exchange: .*$/m,
  /^Timeout, server .* not responding\.?$/m,
  /^(?:client_loop|mux_client_\w+): .*$/m,
];

/** What went wrong when ssh itself failed, or undefined when the remote command exited 255. */
export function sshFailure(
  code: number,
  stderr: string,
  connected: boolean,
): SshFailure | undefined {
  if (code !== 255) return undefined;
  const text = stderr.replaceAll("\r", "");
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text)) {
    return {
      kind: "hostkey-changed",
      keyType: /fingerprint for the (\S+) key sent by the remote host/.exec(text)?.[1],
      fingerprint: /^(SHA256:[A-Za-z0-9+/]+)\.?$/m.exec(text)?.[1],
    };
  }
  const unknown = /No (\S+) host key is known for .* and you have requested strict checking/.exec(
    text,
  );
  if (unknown || /Host key verification failed/.test(text)) {
    return { kind: "hostkey-unknown", keyType: unknown?.[1] };
  }
  const denied = /^.*Permission denied \(.*\)\.?$/m.exec(text);
  if (denied) return { kind: "auth", reason: denied[0].trim() };
  for (const pattern of UNREACHABLE) {
    const match = pattern.exec(text);
    if (match) {
      // The address is in fleet's own message already.
      const reason = match[0].replace(/^ssh: /, "").replace(/^connect to host \S+ port \d+: /, "");
      return { kind: "unreachable", reason: reason.trim() };
    }
  }
  // Once connected, a bare 255 is the remote command's own exit code.
  if (connected) return undefined;
  const reason = text.trim().split("\n").at(-1) ?? "";
  return { kind: "other", reason: reason === "" ? "ssh exited with code 255" : reason };
}

export interface HostWords {
  /** The fleet host's name. */
  name: string;
  /** `user@host port 2222`. */
  address: string;
}

export function unreachableError(
  host: HostWords,
  reason: string,
  port: number | undefined,
): FleetError {
  const command = `ssh${port === undefined ? "" : ` -p ${port}`} ${host.address.replace(/ port \d+$/, "")}`;
  return new FleetError(
    "SSH_UNREACHABLE",
    `cannot reach host ${host.name} (${host.address}): ${reason}`,
    {
      fault: "system",
      hint: `check that the machine is up and that \`${command}\` works from here`,
    },
  );
}

export function authError(
  host: HostWords,
  reason: string,
  keyFile: string | undefined,
): FleetError {
  return new FleetError(
    "SSH_AUTH_FAILED",
    `cannot log in to host ${host.name} (${host.address}): ${reason}`,
    {
      fault: "user",
      hint:
        keyFile === undefined
          ? `give the host an identityFile, load a key into ssh-agent, or install a fleet key with \`fleet host keygen ${host.name}\``
          : `the key ${keyFile} is not accepted there; install it with \`fleet host keygen ${host.name}\` or fix ~/.ssh/authorized_keys on the host`,
    },
  );
}

export function hostKeyUnknownError(
  host: HostWords,
  key: { label: string; fingerprint: string } | undefined,
  scanProblem: string | undefined,
): FleetError {
  const presented =
    key === undefined
      ? `its key could not be read (${scanProblem ?? "no answer"})`
      : `it presents the ${key.label} key ${key.fingerprint}`;
  return new FleetError(
    "SSH_HOSTKEY_UNKNOWN",
    `the host key of ${host.name} (${host.address}) is not pinned, so fleet refuses to connect: ${presented}`,
    {
      fault: "user",
      hint: `check that fingerprint with the host's owner (on the host: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), then run \`fleet host trust ${host.name}\` (or set hostKey in the fleet file)`,
      details: key === undefined ? {} : { keyType: key.label, fingerprint: key.fingerprint },
    },
  );
}

export function hostKeyChangedError(
  host: HostWords,
  presented: { label: string; fingerprint: string | undefined },
  pinned: { source: string; fingerprints: string[] },
): FleetError {
  return new FleetError(
    "SSH_HOSTKEY_CHANGED",
    [
      `HOST KEY CHANGED for ${host.name} (${host.address}): fleet refuses to connect.`,
      `It now presents the ${presented.label} key ${presented.fingerprint ?? "(fingerprint unknown)"},`,
      `but ${pinned.source} pins ${pinned.fingerprints.join(", ") || "another key"}.`,
      "Someone may be intercepting the connection, or the host was reinstalled.",
    ].join(" "),
    {
      fault: "user",
      hint: `find out why the key changed; only if you are sure, check the new fingerprint with the host's owner and run \`fleet host trust ${host.name} --replace\` (or update hostKey in the fleet file)`,
      details: { fingerprint: presented.fingerprint, pinned: pinned.fingerprints },
    },
  );
}
