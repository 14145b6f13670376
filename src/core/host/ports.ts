/**
 * Free ports for `port: auto` services, chosen on the host itself: the kernel's
 * socket tables (/proc/net/tcp*, every state, so a port in TIME_WAIT is avoided
 * too) and the ports other agents there were given are excluded. Needs only sh
 * and awk, so it works on a minimal Debian, in containers and over SSH. Picks are
 * below the kernel's ephemeral range (32768+) so outgoing connections cannot
 * take them between allocation and the service's bind.
 */
import type { ServiceSpec } from "../model.ts";
import { shellQuote as q } from "../contracts/transport.ts";

export const AUTO_PORT_RANGE = { low: 20000, high: 32767 } as const;

/** How a service's port is set in the generated scripts: a literal, or a shell variable the allocation sets. */
export type PortSource = { kind: "fixed"; port: number } | { kind: "auto"; variable: string };

export interface PortPlan {
  /** Services with a port, in spec order. */
  sources: Map<string, PortSource>;
  /** Sets the variables; runs in `<fleetDir>/agents`. Empty when nothing is "auto". */
  script: string;
}

/**
 * @param previous ports the agent had before (kept when still free, so a restarted
 *   agent's services come back where they were)
 * @param seed randomness from the controller: awk's own srand() seeds from the clock
 *   in seconds, which two creates in the same second would share.
 */
export function planPorts(
  name: string,
  services: ServiceSpec[],
  previous: Record<string, number>,
  seed: number,
): PortPlan {
  const sources = new Map<string, PortSource>();
  const wanted: number[] = [];
  for (const service of services) {
    if (typeof service.port === "number") {
      sources.set(service.name, { kind: "fixed", port: service.port });
    } else if (service.port === "auto") {
      sources.set(service.name, { kind: "auto", variable: `FLEET_P${wanted.length}` });
      wanted.push(previous[service.name] ?? 0);
    }
  }
  if (wanted.length === 0) return { sources, script: "" };
  const awk = `
function hex(s,  i, v) { v = 0; s = toupper(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return v }
$0 == "@@reserved" { reserved = 1; next }
!reserved && NF > 3 && $2 ~ /:/ { n = split($2, a, ":"); used[hex(a[n])] = 1; next }
reserved && $2 ~ /^[0-9]+$/ { used[$2 + 0] = 1 }
END {
  srand(seed); n = split(want, w, " ")
  for (i = 1; i <= n; i++) {
    p = w[i] + 0
    if (p < low || p > high || (p in used)) { do { p = low + int(rand() * (high - low + 1)) } while (p in used) }
    used[p] = 1; printf "FLEET_P%d=%d\\n", i - 1, p
  }
}`;
  const others = `for f in */ports; do [ "$f" = ${q(`${name}/ports`)} ] || cat "$f"; done`;
  const script = [
    `fleet_ports=$({ cat /proc/net/tcp /proc/net/tcp6; echo @@reserved; ${others}; } 2>/dev/null |`,
    `  awk -v seed=${seed} -v low=${AUTO_PORT_RANGE.low} -v high=${AUTO_PORT_RANGE.high} -v want=${q(wanted.join(" "))} ${q(awk)}) || exit 74`,
    'eval "$fleet_ports"',
  ].join("\n");
  return { sources, script };
}

/** `db` -> `DB_PORT`, `web-ui` -> `WEB_UI_PORT`. */
export const portVariable = (service: string): string =>
  `${service.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PORT`;
