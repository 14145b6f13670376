/**
 * The page's files, built into dist/ui by `npm run build` (scripts/bundle-ui.ts)
 * with a gzipped copy of each: nothing is fetched or built at run time. Read
 * once into memory; served with a strict Content-Security-Policy (scripts from
 * this server only), never framed, and never sending the URL on as a referrer.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FleetError } from "../../core/errors.ts";

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** dist/ui beside the bundle that runs (dist/bundle), or the repo's when run from source. */
export function uiAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.FLEET_UI_ASSETS,
    resolve(here, "..", "ui"),
    resolve(here, "..", "..", "..", "dist", "ui"),
  ];
  for (const dir of candidates) {
    if (dir !== undefined && dir !== "" && existsSync(join(dir, "index.html"))) return dir;
  }
  throw new FleetError("UI_NOT_BUILT", "the dashboard's page is not built", {
    hint: "run `npm run build` in fleet's checkout",
    fault: "system",
  });
}

/** Every file of dist/ui by its URL path (`/index.html`, `/assets/app.js`). */
export function loadAssets(dir = uiAssetsDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (at: string, prefix: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const file = join(at, entry.name);
      if (entry.isDirectory()) {
        walk(file, `${prefix}${entry.name}/`);
        continue;
      }
      if (entry.name.endsWith(".gz")) continue;
      const type = TYPES[extname(entry.name)];
      if (type === undefined) continue;
      const gzipFile = `${file}.gz`;
      assets.set(`${prefix}${entry.name}`, {
        type,
        body: readFileSync(file),
        gzip: existsSync(gzipFile) ? readFileSync(gzipFile) : undefined,
      });
    }
  };
  walk(dir, "/");
  return assets;
}

export function assetResponse(asset: Asset, acceptEncoding: string | undefined): Response {
  const gzip = asset.gzip !== undefined && /\bgzip\b/.test(acceptEncoding ?? "");
  const body = gzip && asset.gzip ? asset.gzip : asset.body;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "Content-Type": asset.type,
    "Content-Length": String(body.length),
    Vary: "Accept-Encoding",
  };
  if (gzip) headers["Content-Encoding"] = "gzip";
  return new Response(new Uint8Array(body), { status: 200, headers });
}
