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
  entryPoints: {
    main: "src/cli/entry.ts",
    define: "src/core/config/define.ts",
    "ts-worker": "src/core/config/ts-worker.ts",
    "pulumi-provider": "src/engines/pulumi/provider-main.ts",
    // `fleet/pulumi`, the SDK for a team's own Pulumi programs (package.json "exports").
    "pulumi-sdk": "src/pulumi-sdk/index.ts",
  },
  entryNames: "[name]",
  // Pulumi's SDK loads its own files at run time (gRPC stubs, its language
  // runtime): it stays a package, loaded only by the Pulumi engine's path.
  external: ["@pulumi/pulumi", "@pulumi/pulumi/*"],
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
