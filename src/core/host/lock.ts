/**
 * The per-host mutation lock: `flock` on `<fleetDir>/lock`, held by a child
 * process started through the host's transport (src/core/flock-holder.ts), so
 * the same code works locally, through `docker exec -i` and over SSH.
 */
import type { ReleaseLock } from "../contracts/provider.ts";
import type { Transport } from "../contracts/transport.ts";
import { acquireLock, flockArgs, holdLock } from "../flock-holder.ts";
import type { IoHost } from "../io.ts";

function holdHostLock(transport: Transport, nonBlocking: boolean): Promise<ReleaseLock | "busy"> {
  return holdLock(
    transport.interactive(
      [
        "sh",
        "-c",
        'umask 077 && mkdir -p "$1" && shift && exec flock "$@"',
        "sh",
        transport.fleetDir,
        ...flockArgs(`${transport.fleetDir}/lock`, nonBlocking),
      ],
      { tty: false },
    ),
    "the host lock",
  );
}

export function acquireHostLock(
  transport: Transport,
  options: { host: string; io: IoHost },
): Promise<ReleaseLock> {
  return acquireLock((nonBlocking) => holdHostLock(transport, nonBlocking), options);
}

/** The host lock if it is free at once (Provider.tryLock). */
export const tryHostLock = (transport: Transport): Promise<ReleaseLock | "busy"> =>
  holdHostLock(transport, true);
