/**
 * The firewall of an allowlist host's network namespace, as one shell script run
 * there by this machine's tools (`nsenter -t <pid> -n sh -c ...`): nothing from
 * the container image runs with privileges.
 *
 * Each table is replaced in one `iptables-restore` (atomic: an allowlist changed
 * in place is never open for a moment, not even between two rules):
 *
 * - OUTPUT, policy DROP: the FLEET-EGRESS chain accepts loopback and the listed
 *   CIDRs and REJECTs the rest at once (agents learn fast that it is blocked).
 *   There is no exception for established connections: one opened before the
 *   allowlist narrowed cannot carry on to a peer it no longer lists.
 * - INPUT, policy DROP: the FLEET-INGRESS chain accepts loopback, replies to
 *   what the host itself opened (ESTABLISHED, RELATED) and new connections from
 *   the listed CIDRs (peers it may reach anyway); any other peer's packets are
 *   dropped without an answer.
 * - FORWARD, policy DROP: the namespace routes nothing.
 *
 * IPv6: with no IPv6 CIDR listed, IPv6 is switched off in the namespace
 * (`disable_ipv6` on every interface) and, where ip6tables works, its tables get
 * the same DROP policies; with IPv6 CIDRs, ip6tables must work or the install fails.
 */
import type { NetworkPolicy } from "../../src/core/model.ts";

export const EGRESS_CHAIN = "FLEET-EGRESS";
export const INGRESS_CHAIN = "FLEET-INGRESS";

/** Exit codes of the script: which part failed. */
export const RULES_EXIT = { ipv4: 3, ipv6: 4, ipv6Off: 5 } as const;

const familyOf = (cidr: string): 4 | 6 => (cidr.includes(":") ? 6 : 4);

/** The `*filter` table for iptables-restore: the allowlist's, or an empty open one. */
export function filterTable(cidrs: readonly string[] | undefined): string {
  if (cidrs === undefined) {
    return [
      "*filter",
      ":INPUT ACCEPT [0:0]",
      ":FORWARD ACCEPT [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      "COMMIT",
      "",
    ].join("\n");
  }
  return [
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT DROP [0:0]",
    `:${EGRESS_CHAIN} - [0:0]`,
    `:${INGRESS_CHAIN} - [0:0]`,
    `-A INPUT -j ${INGRESS_CHAIN}`,
    `-A OUTPUT -j ${EGRESS_CHAIN}`,
    `-A ${EGRESS_CHAIN} -o lo -j ACCEPT`,
    ...cidrs.map((cidr) => `-A ${EGRESS_CHAIN} -d ${cidr} -j ACCEPT`),
    `-A ${EGRESS_CHAIN} -j REJECT`,
    `-A ${INGRESS_CHAIN} -i lo -j ACCEPT`,
    `-A ${INGRESS_CHAIN} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    ...cidrs.map((cidr) => `-A ${INGRESS_CHAIN} -s ${cidr} -j ACCEPT`),
    `-A ${INGRESS_CHAIN} -j DROP`,
    "COMMIT",
    "",
  ].join("\n");
}

/** `tool-restore -w` fed `table` on stdin (a here-document), exiting `code` if it fails. */
const restore = (tool: string, table: string, code: number): string =>
  `${tool}-restore -w <<'FLEET_RULES' || exit ${code}\n${table}FLEET_RULES`;

const IPV6_OFF = [
  "if [ -d /proc/sys/net/ipv6 ]; then",
  `  for fleet_f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > "$fleet_f" || exit ${RULES_EXIT.ipv6Off}; done`,
  "fi",
].join("\n");

/** Whether ip6tables can be used in this namespace (the kernel may have no IPv6 at all). */
const IP6_USABLE = "[ -e /proc/net/if_inet6 ] && ip6tables -w -L OUTPUT >/dev/null 2>&1";

/** The shell script that makes the namespace's firewall match the policy. */
export function rulesScript(policy: NetworkPolicy): string {
  if (policy.egress !== "allowlist") {
    // Undo an allowlist; where IPv6 is unusable there is nothing to undo there.
    return [
      restore("iptables", filterTable(undefined), RULES_EXIT.ipv4),
      `if ${IP6_USABLE}; then\n${restore("ip6tables", filterTable(undefined), RULES_EXIT.ipv6)}\nfi`,
      "exit 0",
    ].join("\n");
  }
  const v4 = policy.cidrs.filter((cidr) => familyOf(cidr) === 4);
  const v6 = policy.cidrs.filter((cidr) => familyOf(cidr) === 6);
  const lines = [restore("iptables", filterTable(v4), RULES_EXIT.ipv4)];
  if (v6.length > 0) {
    lines.push(restore("ip6tables", filterTable(v6), RULES_EXIT.ipv6));
  } else {
    lines.push(IPV6_OFF);
    lines.push(
      `if ${IP6_USABLE}; then\n${restore("ip6tables", filterTable([]), RULES_EXIT.ipv6)}\nfi`,
    );
  }
  return [...lines, "exit 0"].join("\n");
}
