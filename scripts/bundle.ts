/**
 * Bundles the CLI into dist/bundle: one ES module per command (loaded lazily),
 * shared chunks, dependencies included. Fewer files to resolve and read is what
 * keeps `fleet list` close to the cost of `tmux ls`.
 */
import { build } from "esbuild";
import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const finalDir = join(root, "dist", "bundle");
// Built aside and swapped in: a fleet running meanwhile (a test, another build)
// never finds the bundle missing.
const outdir = `${finalDir}.new-${process.pid}`;
const oldDir = `${finalDir}.old-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/cli/main.ts", "src/core/config/define.ts", "src/core/config/ts-worker.ts"],
  entryNames: "[name]",
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  logLevel: "warning",
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a require.
  banner: {
    js: 'import { createRequire as __fleetCreateRequire } from "node:module"; const require = __fleetCreateRequire(import.meta.url);',
  },
});
try {
  renameSync(finalDir, oldDir);
} catch {
  // No bundle yet.
}
renameSync(outdir, finalDir);
rmSync(oldDir, { recursive: true, force: true });
