/**
 * Who may use `fleet ui`. The owner holds the random token the command printed
 * (in the link, then an HttpOnly, SameSite=Strict cookie, or as a bearer token);
 * a teammate holds a share link's token, good for one agent only. The Host
 * header must name this server (a DNS-rebound name does not), and anything that
 * changes state or opens a terminal must come from this server's own origin.
 */
import type { IncomingHttpHeaders } from "node:http";
import { tokenMatches } from "../../mcp/http-auth.ts";
import type { ShareRecord } from "../../core/share/share-store.ts";

export const OWNER_COOKIE = "fleet_ui";
export const SHARE_COOKIE = "fleet_share";

export type Principal = { kind: "owner" } | { kind: "share"; share: ShareRecord; token: string };

export interface AuthConfig {
  token: string;
  port: number;
  /** The address served on; a wildcard one accepts any Host (the token still guards). */
  listen: string;
  /** Looks a share token up: the record when it is good now, else undefined. */
  findShare: (token: string) => ShareRecord | undefined;
  /** Drops what findShare remembers: a link was made or revoked. */
  sharesChanged: () => void;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Loopback names on any port (an SSH tunnel's local port differs from ours), and
 * the address served on: a DNS-rebound name never matches.
 */
export function hostAllowed(host: string | undefined, config: AuthConfig): boolean {
  if (host === undefined) return false;
  if (WILDCARDS.has(config.listen)) return true;
  const name = host.toLowerCase().replace(/:\d+$/, "");
  const listen = config.listen.includes(":") ? `[${config.listen}]` : config.listen;
  return ["127.0.0.1", "localhost", "[::1]", listen.toLowerCase()].includes(name);
}

/** A browser's Origin, when it sent one, must be this very server. */
export function originAllowed(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${(headers.host ?? "").toLowerCase()}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name !== "" && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The owner wins when a browser holds both (the owner opened a link they shared). */
export function principalOf(
  headers: IncomingHttpHeaders,
  config: AuthConfig,
): Principal | undefined {
  const bearer = /^Bearer (\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (bearer !== undefined && tokenMatches(bearer, config.token)) return { kind: "owner" };
  const cookies = parseCookies(headers.cookie);
  const owner = cookies.get(OWNER_COOKIE);
  if (owner !== undefined && tokenMatches(owner, config.token)) return { kind: "owner" };
  const shareToken = cookies.get(SHARE_COOKIE);
  if (shareToken !== undefined) {
    const share = config.findShare(shareToken);
    if (share !== undefined) return { kind: "share", share, token: shareToken };
  }
  return undefined;
}

export function sessionCookie(name: string, value: string): string {
  return `${name}=${value}; HttpOnly; SameSite=Strict; Path=/`;
}

/** May this principal see (and act on) the agent `name` on `host`? */
export function mayReach(principal: Principal, host: string, name: string): boolean {
  return (
    principal.kind === "owner" || (principal.share.host === host && principal.share.name === name)
  );
}
