/** Packing plugins for the tests: the example's own package, and tiny ones written here. */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);

export const examplePlugin = join(repoRoot, "examples", "plugins", "fleet-provider-podman");

/** `npm pack DIR` into OUT; returns the tarball's path. */
export async function packPlugin(dir: string, out: string): Promise<string> {
  await mkdir(out, { recursive: true });
  const { stdout } = await execFileAsync(
    "npm",
    ["pack", "--silent", "--pack-destination", out, dir],
    { cwd: out },
  );
  const name = stdout.trim().split("\n").pop() ?? "";
  return join(out, name);
}

/** A plugin package in DIR/NAME whose index.js is BODY. */
export async function writePlugin(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, "src", name.replace("/", "__"));
  await mkdir(path, { recursive: true });
  await writeFile(
    join(path, "package.json"),
    JSON.stringify({ name, version: "1.0.0", type: "module", exports: "./index.js" }),
  );
  await writeFile(join(path, "index.js"), body);
  return path;
}

/** A manifest with one provider NAME of the given contract versions (all methods no-ops). */
export function providerPlugin(
  name: string,
  versions: { plugin?: number; provider?: number } = {},
): string {
  return `const noop = async () => undefined;
export default {
  contractVersion: ${versions.plugin ?? 1},
  providers: {
    ${JSON.stringify(name)}: () => ({
      contractVersion: ${versions.provider ?? 1},
      name: ${JSON.stringify(name)},
      capabilities: { manageHost: false, stopHost: false, snapshot: false, networkPolicy: false },
      validateHost: () => [],
      discover: async () => ({ hosts: [], agents: [], errors: [] }),
      transport: noop, lock: noop, prepareWorkdir: noop, createHost: noop, startHost: noop,
      stopHost: noop, destroyHost: noop, applyNetworkPolicy: noop, snapshot: noop,
    }),
  },
};
`;
}

/** Every file under DIR with a hash of its bytes (symlinks by target): what "nothing changed" compares. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const key = path.slice(dir.length + 1);
    if (entry.isFile())
      out[key] = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
    else if (entry.isDirectory()) out[key] = "dir";
    else out[key] = "other";
  }
  return out;
}
