/**
 * Share links from the page, for the owner: make one for an agent, list them,
 * revoke one. A link is `http://<this server>/s/<token>`; the token is shown
 * once, in the answer that made it.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { DEFAULT_SHARE_MS, shareAgent } from "../../core/actions/share-agent.ts";
import { parseDurationFlag } from "../../cli/parse-duration.ts";
import { publicShare, readShares, revokeShare } from "../../core/share/share-store.ts";
import { usageError } from "../../core/errors.ts";
import { guarded, requestContext, requireOwner, type UiDeps, type UiEnv } from "./ui-deps.ts";

const shareBody = z.strictObject({
  readOnly: z.boolean().default(true),
  expires: z.string().max(16).optional(),
});

export function shareRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const what = "make or revoke share links";

  app.post(
    "/api/agents/:host/:name/share",
    guarded(async (c) => {
      requireOwner(c, what);
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
    }),
  );

  app.get(
    "/api/shares",
    guarded((c) => {
      requireOwner(c, what);
      return c.json({ shares: readShares(deps.env).map(publicShare) });
    }),
  );

  app.delete(
    "/api/shares/:id",
    guarded(async (c) => {
      requireOwner(c, what);
      const record = await revokeShare(deps.env, c.req.param("id") ?? "");
      deps.auth.sharesChanged();
      deps.sessions.check();
      return c.json({ revoked: record.id });
    }),
  );
}
