#!/usr/bin/env node
// Entry point kept in plain JS that parses on old Node, so that an old Node gets
// a clear refusal rather than a syntax or missing-API error from deep inside.
import module from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { DIRECT_COMMANDS, ONLY_COMMANDS } from "./only-commands.js";

const packageUrl = new URL("../package.json", import.meta.url);
const required = JSON.parse(readFileSync(packageUrl, "utf8")).engines.node;

function tooOld(found, range) {
  const want = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!want) return false;
  const have = found.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const needed = Number(want[i + 1] || 0);
    if ((have[i] || 0) !== needed) return (have[i] || 0) < needed;
  }
  return false;
}

if (tooOld(process.versions.node, required)) {
  const bundled = new URL("node_modules/.bin/node", packageUrl).pathname;
  const how = existsSync(bundled)
    ? `run it with the Node that \`npm ci\` installed: ${bundled} ${process.argv[1]} ..., or through \`npm run\`/\`npx fleet\` (they put node_modules/.bin first on PATH)`
    : "install Node 24 (or run `npm ci` in fleet's directory, which brings Node 24 into node_modules/.bin)";
  process.stderr.write(
    `error: fleet needs Node ${required}; this is Node ${process.versions.node} (${process.execPath})\nhint: ${how}\n`,
  );
  process.exit(1);
}

module.enableCompileCache?.();
// `fleet list`, `fleet create` and a few other commands have bundles of their own
// (scripts/bundle.ts says why).
const command = process.argv[2];
await import(
  Object.hasOwn(DIRECT_COMMANDS, command)
    ? `../dist/bundle/${DIRECT_COMMANDS[command]}/index.js`
    : ONLY_COMMANDS.includes(command)
      ? `../dist/bundle/only/${command}.js`
      : "../dist/bundle/main.js"
);
