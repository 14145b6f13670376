/**
 * Who may talk to `fleet mcp --http`. The server listens on 127.0.0.1 only, and
 * every request must carry the bearer token kept 0600 in FLEET_HOME/mcp/http-token
 * (made once, never printed: whoever can read that file is the user). A web page
 * the user visits can reach 127.0.0.1 too, so the Host header must name this
 * server (a DNS-rebound name does not) and an Origin, when a browser sends one,
 * must be this server's own. All of it is checked before a request reaches MCP.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import type { FleetEnv } from "../core/env.ts";
import { FleetError } from "../core/errors.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../core/private-files.ts";

export const tokenPath = (env: FleetEnv): string => join(env.home, "mcp", "http-token");

/** The token: read from its file, or made and written there (0600) the first time. */
export async function loadOrCreateToken(env: FleetEnv): Promise<string> {
  const file = tokenPath(env);
  const existing = await readFile(file, "utf8").then(
    (text) => text.trim(),
    () => undefined,
  );
  if (existing !== undefined && existing.length >= 32) {
    await chmod(file, PRIVATE_FILE_MODE);
    return existing;
  }
  await mkdirPrivate(join(env.home, "mcp"));
  const token = randomBytes(32).toString("base64url");
  try {
    // `wx`: when two servers start at once, one token wins and the other reads it.
    await writeFile(file, token + "\n", {
      mode: PRIVATE_FILE_MODE,
      flag: existing === undefined ? "wx" : "w",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateToken(env);
    throw new FleetError("MCP_TOKEN", `cannot write the MCP token to ${file}`, {
      fault: "system",
      cause: error,
    });
  }
  await chmod(file, PRIVATE_FILE_MODE);
  return token;
}

/** Compares in constant time: both sides are hashed to the same length first. */
export function tokenMatches(given: string, token: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}

export interface Refusal {
  status: 401 | 403;
  reason: string;
}

/** Why the request is refused, or undefined when it may go on to MCP. */
export function refusal(
  request: IncomingMessage,
  port: number,
  token: string,
): Refusal | undefined {
  const ownHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = request.headers.host;
  if (host === undefined || !ownHosts.includes(host.toLowerCase())) {
    return { status: 403, reason: "the Host header does not name this server" };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !ownHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { status: 403, reason: "requests from other origins are refused" };
  }
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? "");
  if (!match?.[1] || !tokenMatches(match[1], token)) {
    return { status: 401, reason: "a valid bearer token is required" };
  }
  return undefined;
}
