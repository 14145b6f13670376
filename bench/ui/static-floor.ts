/**
 * The first load's floor and the memory floor: a bare node:http server holding
 * the page's files, as little as can serve what fleet serves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { SECURITY_HEADERS } from "../../src/ui/server/ui-assets.ts";
import { nodeBin } from "../lib.ts";
import { distUi } from "./settings.ts";

/**
 * The floor's server: dist/ui's files in memory, the gzipped copy when the
 * browser takes gzip, fleet's own security headers, and the same 303 from the
 * token link to `/` with a cookie. Nothing else.
 */
const STATIC_SERVER = String.raw`
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const [dir, headersJson] = process.argv.slice(1);
const security = JSON.parse(headersJson);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const files = new Map();
(function walk(at, prefix) {
  for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
    const file = path.join(at, entry.name);
    if (entry.isDirectory()) walk(file, prefix + entry.name + "/");
    else if (types[path.extname(entry.name)]) files.set(prefix + entry.name, {
      type: types[path.extname(entry.name)],
      body: fs.readFileSync(file),
      gzip: fs.existsSync(file + ".gz") ? fs.readFileSync(file + ".gz") : undefined,
    });
  }
})(dir, "/");
http.createServer((req, res) => {
  const url = new URL(req.url, "http://floor");
  if (url.pathname === "/" && url.searchParams.has("token")) {
    res.writeHead(303, { ...security, Location: "/", "Set-Cookie": "fleet_ui=" + "x".repeat(43) + "; HttpOnly; SameSite=Strict; Path=/" });
    return res.end();
  }
  const asset = files.get(url.pathname === "/" ? "/index.html" : url.pathname);
  if (!asset) { res.writeHead(404); return res.end(); }
  const gzip = asset.gzip && /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  const body = gzip ? asset.gzip : asset.body;
  res.writeHead(200, { ...security, "Content-Type": asset.type, "Content-Length": body.length, Vary: "Accept-Encoding", ...(gzip ? { "Content-Encoding": "gzip" } : {}) });
  res.end(body);
}).listen(0, "127.0.0.1", function () { process.stdout.write(this.address().port + "\n"); });
`;

export async function startStatic(): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(nodeBin, ["-e", STATIC_SERVER, distUi, JSON.stringify(SECURITY_HEADERS)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", () => reject(new Error("the static server exited")));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}
