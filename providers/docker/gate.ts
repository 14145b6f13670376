/**
 * The gate: the first program of an allowlist host's container, so that nothing
 * of the container runs before its network rules are in place.
 *
 * A container's own files cannot be trusted for that: they persist across stop
 * and start, and a hostile root agent may have replaced `/bin/sh`, the dynamic
 * loader or any library. So the gate is this machine's static busybox,
 * bind-mounted read-only, and it runs only shell builtins: it reads the
 * container's stdin (the probe channel, host-channel.ts) and answers every
 * request "held" until fleet, having installed the rules from outside, sends
 * the release; only then does it exec the container's `/bin/sh` keep-alive. A
 * container started by anyone else (`docker start`, an engine restart) stays
 * held, running none of its files, until `fleet start` installs the rules.
 *
 * The binary must be static: a dynamic one would be loaded by the container's
 * `ld.so` and libraries. That is checked from its ELF header (no PT_INTERP).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { FleetError } from "../../src/core/errors.ts";

/** Where the gate is mounted inside the container (read-only). */
export const GATE_DIR = "/.fleet-gate";
export const GATE_PATH = `${GATE_DIR}/busybox`;

/** The release request's script: a no-op for a keep-alive already running, the key for the gate. */
export const RELEASE_SCRIPT = ": fleet-release";

/** The exit code the gate answers requests with until it is released. */
export const HELD_CODE = 76;

/**
 * What a held host (its rules not installed since it started) answers every
 * command with. It is HOST_STOPPED, as discovery lists it: whatever starts a
 * stopped host (`fleet start`, apply's retry) installs the rules and releases it.
 */
export function heldError(host: string, container: string): FleetError {
  return new FleetError(
    "HOST_STOPPED",
    `host ${host} was started outside fleet (container ${container}): it waits for its network rules, and nothing runs in it until then`,
    {
      hint: "`fleet start AGENT` (for one of its agents) or `fleet apply` installs them and lets it start",
      details: { host, container, held: true },
    },
  );
}

/** Whether an error is a held host's (heldError). */
export const isHeldError = (error: unknown): boolean =>
  error instanceof FleetError && error.details?.held === true;

/** Where a static busybox is looked for on this machine (Debian: busybox-static). */
const CANDIDATES = ["/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox"];

let found: string | undefined;

/** This machine's static busybox; throws a FleetError saying how to get one. */
export function gateBinary(container: string): string {
  if (found !== undefined) return found;
  const override = process.env.FLEET_DOCKER_GATE;
  const candidates = override === undefined || override === "" ? CANDIDATES : [override];
  const dynamic: string[] = [];
  for (const path of candidates) {
    const kind = elfKind(path);
    if (kind === "static") return (found = path);
    if (kind === "dynamic") dynamic.push(path);
  }
  throw new FleetError(
    "NETWORK_POLICY_FAILED",
    `cannot enforce egress allowlist on container ${container}: no static busybox on this machine${dynamic.length > 0 ? ` (${dynamic.join(", ")} is dynamically linked: it would load the container's own libraries)` : ""}`,
    {
      fault: "system",
      hint: "apt-get install busybox-static (fleet mounts it read-only as the container's first program, so no file of the container runs before the network rules)",
    },
  );
}

/** "static" for an ELF executable without an interpreter, "dynamic" with one, else undefined. */
export function elfKind(path: string): "static" | "dynamic" | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64) return undefined;
    if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = header[4] === 2;
    const little = header[5] === 1;
    const u16 = (at: number) => (little ? header.readUInt16LE(at) : header.readUInt16BE(at));
    const u32 = (at: number) => (little ? header.readUInt32LE(at) : header.readUInt32BE(at));
    const phoff = is64
      ? Number(little ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32))
      : u32(28);
    const phentsize = u16(is64 ? 54 : 42);
    const phnum = u16(is64 ? 56 : 44);
    if (phnum === 0 || phentsize < 4 || phnum > 256) return undefined;
    const table = Buffer.alloc(phentsize * phnum);
    if (readSync(fd, table, 0, table.length, phoff) < table.length) return undefined;
    const PT_INTERP = 3;
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const type = little ? table.readUInt32LE(at) : table.readUInt32BE(at);
      if (type === PT_INTERP) return "dynamic";
    }
    return "static";
  } finally {
    closeSync(fd);
  }
}

/**
 * The gate's program, for busybox ash: builtins only (read, case, printf, exec).
 * `$1` is the keep-alive script it execs with the container's `/bin/sh` once released.
 *
 * The release must carry a nonce the gate draws from the kernel when it starts
 * and prints in every "held" answer: bytes an agent left in the stdin pipe before
 * the container stopped (it may write there through /proc/1/fd/0) cannot hold
 * it, so they cannot release the next start.
 */
export const GATE_SCRIPT = [
  "# fleet: network gate (providers/docker/gate.ts)",
  "trap '' INT HUP QUIT PIPE",
  "IFS= read -r fleet_nonce < /proc/sys/kernel/random/uuid || exit 1",
  "while IFS= read -r fleet_req; do",
  '  case $fleet_req in "fleet-run "*) ;; *) continue ;; esac',
  "  fleet_id=${fleet_req#fleet-run }",
  "  fleet_body=",
  "  while IFS= read -r fleet_line; do",
  '    [ "$fleet_line" = "@@fleet-end $fleet_id" ] && break',
  '    fleet_body="$fleet_body$fleet_line"',
  "  done",
  `  if [ "$fleet_body" = "${RELEASE_SCRIPT} $fleet_nonce" ]; then`,
  '    fleet_out="',
  '@@fleet-code 0"',
  "  else",
  '    fleet_out="$fleet_nonce',
  `@@fleet-code ${HELD_CODE}"`,
  "  fi",
  `  printf '@@fleet-done %s %s\\n%s\\n' "$fleet_id" "\${#fleet_out}" "$fleet_out"`,
  '  case $fleet_out in *"@@fleet-code 0") exec /bin/sh -c "$1" fleet-keep-alive ;; esac',
  "done",
  "exit 1",
].join("\n");

/** The nonce in a held answer: a UUID, or nothing usable. */
export function heldNonce(stdout: string): string | undefined {
  const nonce = stdout.trim();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(nonce)
    ? nonce
    : undefined;
}
