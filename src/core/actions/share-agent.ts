/**
 * `fleet share` and the dashboard's share button: a link to one agent's page in
 * `fleet ui`, watch-only or with control, that stops working when it expires or
 * is revoked. The link's token is returned once; only its hash is kept.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { usageError } from "../errors.ts";
import { createShare, type ShareRecord } from "../share/share-store.ts";
import { findAgent } from "./agent-target.ts";

/** A link is good for 30 days at most. */
export const MAX_SHARE_MS = 30 * 86_400_000;
export const DEFAULT_SHARE_MS = 60 * 60_000;

export interface ShareRequest {
  readOnly: boolean;
  expiresInMs: number;
}

export async function shareAgent(
  ref: string,
  ctx: ProviderContext,
  request: ShareRequest,
): Promise<{ record: ShareRecord; token: string }> {
  if (!(request.expiresInMs > 0) || request.expiresInMs > MAX_SHARE_MS) {
    throw usageError("a share link expires after 1s to 30d", "fleet share NAME --expires 8h");
  }
  const { agent } = await findAgent(ref, ctx);
  return createShare(ctx.env, {
    host: agent.host,
    name: agent.name,
    agentCreatedAt: agent.createdAt,
    readOnly: request.readOnly,
    expiresInMs: request.expiresInMs,
  });
}
