/**
 * Share links from the page, for the owner: make one for an agent, list them,
 * revoke one. A link is `http://<this server>/s/<token>`; the token is shown
 * once, in the answer that made it.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { DEFAULT_SHARE_MS, shareAgent } from "../../core/actions/share-agent.ts";
import { parseDurationFlag } from "../../cli/parse-duration.ts";
import { readShares, revokeShare, shareExpired } from "../../core/share/share-store.ts";
import { usageError } from "../../core/errors.ts";
import {
  errorResponse,
  forbidden,
  requestContext,
  type UiContext,
  type UiDeps,
  type UiEnv,
} from "./ui-deps.ts";

const shareBody = z.strictObject({
  readOnly: z.boolean().default(true),
  expires: z.string().max(16).optional(),
});

export function shareRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const ownerOnly = (c: UiContext): void => {
    if (c.get("principal").kind !== "owner") throw forbidden("make or revoke share links");
  };

  app.post("/api/agents/:host/:name/share", async (c) => {
    try {
      ownerOnly(c);
      const parsed = shareBody.safeParse(await c.req.json().catch(() => ({})));
      if (!parsed.success) throw usageError("share takes { readOnly, expires }");
      const expiresInMs =
        parsed.data.expires === undefined
          ? DEFAULT_SHARE_MS
          : parseDurationFlag(parsed.data.expires, "expires");
      const { ctx } = requestContext(deps);
      const ref = `${c.req.param("name")}@${c.req.param("host")}`;
      const { record, token } = await shareAgent(ref, ctx, {
        readOnly: parsed.data.readOnly,
        expiresInMs,
      });
      deps.auth.sharesChanged();
      const url = `http://${c.req.header("host") ?? ""}/s/${token}`;
      return c.json({ ...publicShare(record), url });
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  app.get("/api/shares", (c) => {
    try {
      ownerOnly(c);
      return c.json({ shares: readShares(deps.env).map(publicShare) });
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  app.delete("/api/shares/:id", async (c) => {
    try {
      ownerOnly(c);
      const record = await revokeShare(deps.env, c.req.param("id"));
      deps.auth.sharesChanged();
      deps.sessions.check();
      return c.json({ revoked: record.id });
    } catch (error) {
      return errorResponse(c, error);
    }
  });
}

function publicShare(record: ReturnType<typeof readShares>[number]) {
  const { tokenSha256: _digest, ...rest } = record;
  return { ...rest, expired: shareExpired(record) };
}
