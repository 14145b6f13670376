/**
 * `fleet host trust NAME`: read the host's keys with ssh-keyscan, show their
 * fingerprints, and pin them under FLEET_HOME/ssh/known_hosts/NAME. A different
 * key already pinned is only replaced on request; with an expected fingerprint,
 * keys that do not match it are refused.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { SshConnection } from "./connection.ts";
import {
  fingerprint,
  keyTypeLabel,
  knownHostsText,
  readKnownHosts,
  sameKeys,
  scanHostKeys,
} from "./host-keys.ts";
import { trustedKeysFile } from "./paths.ts";
import { forgetSessions } from "./session.ts";

export interface TrustedKey {
  type: string;
  fingerprint: string;
}

export interface TrustResult {
  host: string;
  address: string;
  file: string;
  keys: TrustedKey[];
  /** What was pinned before, when it differed. */
  replaced: TrustedKey[];
  /** The same keys were pinned already. */
  unchanged: boolean;
}

export interface TrustOptions {
  replace?: boolean;
  /** `SHA256:...`: refuse unless the host presents this key. */
  fingerprint?: string;
  processEnv?: NodeJS.ProcessEnv;
}

const describe = (keys: readonly { type: string; blob: string }[]): TrustedKey[] =>
  keys.map((key) => ({ type: keyTypeLabel(key.type), fingerprint: fingerprint(key) }));

export async function trustHost(
  env: FleetEnv,
  host: HostSpec,
  options: TrustOptions = {},
): Promise<TrustResult> {
  const processEnv = options.processEnv ?? process.env;
  const connection = new SshConnection(host, env, processEnv);
  if (connection.config.hostKey !== undefined) {
    throw new FleetError(
      "HOSTKEY_IN_FLEET_FILE",
      `host ${host.name} pins its key in the fleet file (hostKey)`,
      {
        hint: "fleet uses that key; change hostKey in the fleet file to trust another one",
      },
    );
  }
  const target = await connection.resolveTarget();
  const scanned = await scanHostKeys(target, processEnv);
  const keys = describe(scanned);
  const expected = options.fingerprint?.trim();
  if (expected !== undefined && !keys.some((key) => key.fingerprint === expected)) {
    throw new FleetError(
      "SSH_HOSTKEY_MISMATCH",
      `host ${host.name} (${connection.words.address}) does not present the key ${expected}: it presents ${keys.map((k) => `${k.type} ${k.fingerprint}`).join(", ")}`,
      { hint: "nothing was pinned; find out which machine answers at that address" },
    );
  }
  const file = trustedKeysFile(env, host.name);
  const pinned = await readKnownHosts(file);
  const result: TrustResult = {
    host: host.name,
    address: connection.words.address,
    file,
    keys,
    replaced: [],
    unchanged: false,
  };
  if (pinned.length > 0 && sameKeys(pinned, scanned)) return { ...result, unchanged: true };
  if (pinned.length > 0) {
    const overlap = scanned.some((key) =>
      pinned.some((p) => p.type === key.type && p.blob === key.blob),
    );
    if (!overlap && options.replace !== true) {
      throw new FleetError(
        "SSH_HOSTKEY_CHANGED",
        `HOST KEY CHANGED for ${host.name} (${connection.words.address}): it presents ${keys.map((k) => `${k.type} ${k.fingerprint}`).join(", ")}, but ${describe(
          pinned,
        )
          .map((k) => `${k.type} ${k.fingerprint}`)
          .join(", ")} is pinned`,
        {
          hint: `only if you know why (the host was reinstalled) and have checked the new fingerprint with its owner: \`fleet host trust ${host.name} --replace\``,
        },
      );
    }
    result.replaced = overlap ? [] : describe(pinned);
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, knownHostsText(host.name, scanned), { mode: 0o600 });
  // A connection made under the old pin must not outlive it.
  await connection.close().catch(() => undefined);
  forgetSessions();
  return result;
}
