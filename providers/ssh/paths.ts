/**
 * What fleet keeps about SSH hosts on the controller, all under FLEET_HOME/ssh:
 * `known_hosts/<host>` (keys pinned by `fleet host trust`), `known_hosts/<host>.hostkey`
 * (written from a fleet file's `hostKey`), `keys/<host>` (keys made by `fleet host keygen`)
 * and `cm/` (ControlMaster sockets).
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FleetEnv } from "../../src/core/env.ts";
import type { SshHostConfig } from "./host-config.ts";

export const sshDir = (env: FleetEnv): string => join(env.home, "ssh");
export const trustedKeysFile = (env: FleetEnv, host: string): string =>
  join(sshDir(env), "known_hosts", host);
export const fleetFileKeysFile = (env: FleetEnv, host: string): string =>
  join(sshDir(env), "known_hosts", `${host}.hostkey`);
export const hostKeyFile = (env: FleetEnv, host: string): string => join(sshDir(env), "keys", host);

/** Unix socket paths are limited to 108 bytes; ssh adds a 17-byte suffix while it binds. */
const MAX_SOCKET_DIR = 108 - 17 - 1 - 16;

/**
 * The ControlMaster socket of a host. Named by a hash of everything that decides
 * what the connection is (address, port, identity, pinned keys file), so a changed
 * host entry never reuses a connection made for the old one, and fleet can tell
 * whether a connection is open without running ssh. Falls back to a per-user dir
 * in the temp dir when FLEET_HOME is too long for a socket path.
 */
export function controlPath(
  env: FleetEnv,
  host: string,
  config: SshHostConfig,
  knownHosts: string,
): string {
  const hash = createHash("sha256")
    .update(
      JSON.stringify([
        env.home,
        host,
        config.address,
        config.port,
        config.identityFile,
        knownHosts,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
  const dir = join(sshDir(env), "cm");
  if (Buffer.byteLength(dir) <= MAX_SOCKET_DIR) return join(dir, hash);
  const uid = process.getuid?.() ?? "user";
  return join(tmpdir(), `fleet-cm-${uid}`, hash);
}
