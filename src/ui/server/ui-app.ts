/**
 * The dashboard's HTTP routes (Hono). Every request must name this server in
 * its Host header; everything but the refusal itself needs the owner's token or
 * a good share link; and a request that changes something must come from this
 * server's own origin. The token in the printed link is swapped for an HttpOnly
 * cookie at once, so it leaves the address bar and the browser's history.
 */
import { Hono } from "hono";
import { agentRoutes } from "./agent-routes.ts";
import { eventStream, visibleSnapshot } from "./event-stream.ts";
import { planRoutes } from "./plan-routes.ts";
import { shareRoutes } from "./share-routes.ts";
import { type Asset, assetResponse, SECURITY_HEADERS } from "./ui-assets.ts";
import {
  hostAllowed,
  originAllowed,
  OWNER_COOKIE,
  principalOf,
  SHARE_COOKIE,
  sessionCookie,
} from "./ui-auth.ts";
import { tokenMatches } from "../../mcp/http-auth.ts";
import type { UiDeps, UiEnv } from "./ui-deps.ts";

const refusalPage = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>fleet ui</title><body style="font-family:system-ui;margin:2rem;max-width:40rem"><h1>${title}</h1><p>${text}</p></body>`;

const htmlRefusal = (status: 401 | 403, title: string, text: string): Response =>
  new Response(refusalPage(title, text), {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8" },
  });

const NEEDS_TOKEN = htmlRefusal.bind(
  undefined,
  401,
  "This page needs its link",
  "Open the link <code>fleet ui</code> printed (it carries a token), or a share link you were given.",
);

export function uiApp(deps: UiDeps, assets: Map<string, Asset>): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.use("*", async (c, next) => {
    if (!hostAllowed(c.req.header("host"), deps.auth)) {
      return htmlRefusal(403, "Wrong address", "The Host header does not name this server.");
    }
    await next();
  });

  app.get("/s/:token", (c) => {
    const share = deps.auth.findShare(c.req.param("token"));
    if (share === undefined) {
      return htmlRefusal(
        401,
        "This link does not work",
        "The share link has expired or was revoked.",
      );
    }
    const target = `/#/agent/${encodeURIComponent(share.host)}/${encodeURIComponent(share.name)}`;
    return new Response(null, {
      status: 303,
      headers: {
        ...SECURITY_HEADERS,
        Location: target,
        "Set-Cookie": sessionCookie(SHARE_COOKIE, c.req.param("token")),
      },
    });
  });

  app.get("/", async (c, next) => {
    const token = c.req.query("token");
    if (token === undefined) return next();
    if (!tokenMatches(token, deps.auth.token)) return NEEDS_TOKEN();
    return new Response(null, {
      status: 303,
      headers: {
        ...SECURITY_HEADERS,
        Location: "/",
        "Set-Cookie": sessionCookie(OWNER_COOKIE, token),
      },
    });
  });

  app.use("*", async (c, next) => {
    const principal = principalOf(
      { cookie: c.req.header("cookie"), authorization: c.req.header("authorization") },
      deps.auth,
    );
    if (principal === undefined) {
      if (c.req.path.startsWith("/api/")) {
        return c.json(
          { error: { code: "UNAUTHORIZED", message: "a valid token or share link is required" } },
          401,
        );
      }
      return NEEDS_TOKEN();
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (!originAllowed({ origin: c.req.header("origin"), host: c.req.header("host") })) {
        return c.json({ error: { code: "FORBIDDEN", message: "other origins are refused" } }, 403);
      }
    }
    c.set("principal", principal);
    await next();
  });

  app.get("/api/session", (c) => {
    const principal = c.get("principal");
    return c.json(
      principal.kind === "owner"
        ? { kind: "owner", fleetFile: deps.fleetFile ?? null }
        : {
            kind: "share",
            agent: { host: principal.share.host, name: principal.share.name },
            readOnly: principal.share.readOnly,
            expiresAt: principal.share.expiresAt,
          },
    );
  });

  app.get("/api/agents", async (c) =>
    c.json(visibleSnapshot(await deps.feed.current(), c.get("principal"))),
  );
  app.get("/api/events", (c) => eventStream(c, deps));
  agentRoutes(app, deps);
  planRoutes(app, deps);
  shareRoutes(app, deps);

  app.get("*", (c) => {
    const path = c.req.path === "/" ? "/index.html" : c.req.path;
    const asset = assets.get(path);
    if (asset === undefined || path.startsWith("/api/")) return c.notFound();
    return assetResponse(asset, c.req.header("accept-encoding"));
  });

  return app;
}
