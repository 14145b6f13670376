/**
 * What `fleet plugin add SPEC` was given: a packed tarball, a package directory, or
 * an npm name with an optional version or range. The package's name is known
 * before npm runs (read from the tarball or directory, or the spec itself), so a
 * name that is not a plugin's is refused without installing anything.
 */
import { execFile } from "node:child_process";
import { stat, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { FleetError, usageError } from "../errors.ts";

const execFileAsync = promisify(execFile);

export type PluginSpec =
  | { kind: "tarball"; path: string; name: string }
  | { kind: "directory"; path: string; name: string }
  | { kind: "registry"; spec: string; name: string };

const REGISTRY_SPEC =
  /^((?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*)(?:@([A-Za-z0-9.^~<>=| *+-]+))?$/;
const TARBALL = /\.(tgz|tar\.gz|tar)$/;

/** A registry spec's package name, or undefined when SPEC is not `name[@version]`. */
export function registryName(spec: string): string | undefined {
  return REGISTRY_SPEC.exec(spec)?.[1];
}

async function nameOf(text: string, where: string): Promise<string> {
  let name: unknown;
  try {
    name = (JSON.parse(text) as { name?: unknown }).name;
  } catch (error) {
    throw new FleetError(
      "PLUGIN_INVALID",
      `${where}: package.json is not JSON: ${(error as Error).message}`,
    );
  }
  if (typeof name !== "string" || name === "") {
    throw new FleetError("PLUGIN_INVALID", `${where}: package.json has no name`);
  }
  return Promise.resolve(name);
}

export async function parsePluginSpec(spec: string, cwd: string): Promise<PluginSpec> {
  const path = resolve(cwd, spec);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    const text = await readFile(join(path, "package.json"), "utf8").catch(() => undefined);
    if (text === undefined) {
      throw usageError(
        `${spec} is a directory without a package.json`,
        "give a plugin's package directory, its packed tarball (npm pack) or its npm name",
      );
    }
    return { kind: "directory", path, name: await nameOf(text, spec) };
  }
  if (info?.isFile()) {
    if (!TARBALL.test(path)) {
      throw usageError(
        `${spec} is not a package tarball (.tgz, .tar.gz or .tar)`,
        "make one with npm pack",
      );
    }
    // npm pack puts everything under package/.
    const read = await execFileAsync("tar", ["-xOf", path, "package/package.json"], {
      maxBuffer: 1024 * 1024,
    }).catch((error: unknown) => {
      throw new FleetError(
        "PLUGIN_INVALID",
        `${spec}: no package/package.json in the tarball (${(error as Error).message.split("\n")[0] ?? ""})`,
        {
          hint: "make the tarball with npm pack",
        },
      );
    });
    return { kind: "tarball", path, name: await nameOf(read.stdout, spec) };
  }
  const name = registryName(spec);
  if (name === undefined) {
    throw usageError(
      `cannot add "${spec}": no such file or directory, and not an npm name[@version]`,
      "give a packed tarball (./fleet-provider-x-1.0.0.tgz), a package directory or an npm name such as fleet-provider-x@1",
    );
  }
  return { kind: "registry", spec, name };
}

/** What npm install is given for a spec. */
export const npmArgument = (spec: PluginSpec): string =>
  spec.kind === "registry" ? spec.spec : spec.path;
