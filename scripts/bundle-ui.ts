/**
 * Builds fleet ui's page into dist/ui at package build time (nothing is fetched
 * or built at run time): index.html, assets/app.js and assets/app.css, the
 * terminal's code (xterm.js) as a chunk loaded only on an agent's page, and a
 * gzipped copy of each file for the server to send.
 */
import { build } from "esbuild";
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = join(import.meta.dirname, "..");
const finalDir = join(root, "dist", "ui");
// Built aside and swapped in, as the CLI's bundle is (a running `fleet ui` keeps what it read).
const outdir = `${finalDir}.new-${process.pid}`;
const oldDir = `${finalDir}.old-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, "assets"), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: "src/ui/web/main.tsx" },
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outdir: join(outdir, "assets"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "external",
  jsx: "automatic",
  jsxImportSource: "preact",
  tsconfig: "src/ui/web/tsconfig.json",
  logLevel: "warning",
});
copyFileSync(join(root, "src", "ui", "web", "index.html"), join(outdir, "index.html"));

const gzipAll = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) gzipAll(file);
    else if (/\.(html|js|css|svg|json)$/.test(name))
      writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  }
};
gzipAll(outdir);

try {
  renameSync(finalDir, oldDir);
} catch {
  // No page built yet.
}
renameSync(outdir, finalDir);
rmSync(oldDir, { recursive: true, force: true });
