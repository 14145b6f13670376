/**
 * Bundles the CLI into dist/bundle: one ES module per command (loaded lazily),
 * shared chunks, dependencies included. Fewer files to resolve and read is what
 * keeps `fleet list` close to the cost of `tmux ls`.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { DIRECT_COMMANDS, ONLY_COMMANDS } from "../bin/only-commands.js";
import { createRequire } from "node:module";
import { renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
const finalDir = join(root, "dist", "bundle");
// Built aside and swapped in: a fleet running meanwhile (a test, another build)
// never finds the bundle missing.
const outdir = `${finalDir}.new-${process.pid}`;
const oldDir = `${finalDir}.old-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });
/**
 * zod's `z` namespace re-exports every locale (`z.locales`), which would put all
 * ~50 of them in each bundle and evaluate them on every start; fleet uses only the
 * English messages zod sets by default, so `z.locales` is just `en` here.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(onBuild) {
    onBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-locales" }
        : undefined,
    );
    onBuild.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};
const shared = {
  absWorkingDir: root,
  entryNames: "[name]",
  // Pulumi's SDK loads its own files at run time (gRPC stubs, its language
  // runtime): it stays a package, loaded only by the Pulumi engine's path.
  external: ["@pulumi/pulumi", "@pulumi/pulumi/*"],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node22",
  logLevel: "warning",
  plugins: [zodEnglishOnly],
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a require.
  banner: {
    js: 'import { createRequire as __fleetCreateRequire } from "node:module"; const require = __fleetCreateRequire(import.meta.url);',
  },
} satisfies BuildOptions;
await build({
  ...shared,
  entryPoints: {
    main: "src/cli/main.ts",
    define: "src/core/config/define.ts",
    "ts-worker": "src/core/config/ts-worker.ts",
    "pulumi-provider": "src/engines/pulumi/provider-main.ts",
    // `fleet/pulumi`, the SDK for a team's own Pulumi programs (package.json "exports").
    "pulumi-sdk": "src/pulumi-sdk/index.ts",
    // `fleet/plugin`: the plugin contract's types and constants, for plugin authors.
    plugin: "src/core/contracts/plugin.ts",
  },
  outdir,
  splitting: true,
});
// zod and yaml for the one-file bundles below (dist/bundle/vendor/NAME.cjs): a
// CommonJS file each, required when first used. Inside those bundles they cost
// their share of reading and compiling the file on every start, about 5 ms of
// `fleet list`'s, which needs neither unless a settings file or fleet file is read.
// Neither imports fleet's code, so requiring them puts no second copy of anything
// in the process.
const VENDORED = ["zod", "yaml"];
for (const name of VENDORED) {
  await build({
    ...shared,
    banner: {},
    format: "cjs",
    stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: root },
    outfile: join(outdir, "vendor", `${name}.cjs`),
  });
}
const requireBuilt = createRequire(import.meta.url);
const vendoredKeys = new Map(
  VENDORED.map((name) => [
    name,
    Object.keys(requireBuilt(join(outdir, "vendor", `${name}.cjs`)) as object),
  ]),
);
const vendoredLazily: Plugin = {
  name: "vendored-lazily",
  setup(onBuild) {
    const filter = new RegExp(`^(${VENDORED.join("|")})$`);
    onBuild.onResolve({ filter }, (args) =>
      args.namespace === "vendored" ? undefined : { path: args.path, namespace: "vendored" },
    );
    // The stand-in is CommonJS, so esbuild requires it where a module that imports
    // it is first initialised, not at the top of the bundle as it would an import.
    onBuild.onResolve({ filter: /^\.\.\/vendor\// }, (args) => ({
      path: args.path,
      external: true,
    }));
    // The stand-in's exports are getters that require the file when one is first
    // read: a module that builds its schemas on first use then loads no zod at all.
    onBuild.onLoad({ filter: /.*/, namespace: "vendored" }, (args) => ({
      contents: [
        "let loaded;",
        `const load = () => (loaded ??= require(${JSON.stringify(`../vendor/${args.path}.cjs`)}));`,
        `for (const key of ${JSON.stringify(vendoredKeys.get(args.path))})`,
        "  Object.defineProperty(module.exports, key, { enumerable: true, get: () => load()[key] });",
      ].join("\n"),
      loader: "js",
    }));
  },
};
// `fleet list` and `fleet create` built on their own (dist/bundle/list/index.js,
// dist/bundle/create/index.js): list is the command run most, with a budget of
// 1.5× node's start plus one tmux call; create's is 2× node's start plus one tmux
// new-session. One file each: the ES module loader's cost for each of the 27
// chunks list's path was split into (resolving, reading, linking each) was more
// than compiling the parts of one file it does not run (the Docker and SSH
// providers, the agent types: lazily initialised). A plain command line runs
// without commander; any other falls back to main.js above, not a second copy of it.
const mainOutside: Plugin = {
  name: "main-outside",
  setup(onBuild) {
    onBuild.onResolve({ filter: /^\.\/main\.ts$/ }, () => ({
      path: "../main.js",
      external: true,
    }));
  },
};
for (const entry of new Set(Object.values(DIRECT_COMMANDS))) {
  await build({
    ...shared,
    entryPoints: { index: `src/cli/${entry}-entry.ts` },
    outdir: join(outdir, entry),
    splitting: false,
    plugins: [zodEnglishOnly, vendoredLazily, mainOutside],
  });
}
// The commands a user runs most, and times against their peers, each built alone
// from main.ts (dist/bundle/only/NAME.js, one file): commander, that command and
// what it loads, instead of the 100-odd chunks its code is spread over above.
// main.ts's other commands are left out; bin/fleet.js loads such a file only when
// NAME is the command given.
for (const only of ONLY_COMMANDS) {
  await build({
    ...shared,
    entryPoints: { [only]: "src/cli/main.ts" },
    outdir: join(outdir, "only"),
    splitting: false,
    plugins: [zodEnglishOnly, vendoredLazily, otherCommandsLeftOut(only)],
  });
}
try {
  renameSync(finalDir, oldDir);
} catch {
  // No bundle yet.
}
renameSync(outdir, finalDir);
rmSync(oldDir, { recursive: true, force: true });

function otherCommandsLeftOut(only: string): Plugin {
  return {
    name: "other-commands-left-out",
    setup(onBuild) {
      onBuild.onResolve({ filter: /^\.\/commands\/[a-z-]+\.ts$/ }, (args) => {
        if (!args.importer.endsWith(join("src", "cli", "main.ts"))) return undefined;
        if (args.path === `./commands/${only}.ts`) return undefined;
        return { path: args.path, namespace: "left-out" };
      });
      onBuild.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`internal: ${args.path} is not in the bundle of fleet ${only}`)});`,
        loader: "js",
      }));
    },
  };
}
