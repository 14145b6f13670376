import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { readPackage } from "../../../src/core/plugins/package-entry.ts";
import { parsePluginSpec, registryName } from "../../../src/core/plugins/package-spec.ts";

const dir = mkdtempSync(join(tmpdir(), "fleet-plugin-spec-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(name: string, pkg: Record<string, unknown>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "package.json"), JSON.stringify(pkg));
  return path;
}

describe("parsePluginSpec", () => {
  test("a directory and a packed tarball are read for their package name", async () => {
    const path = writePackage("pkg", { name: "fleet-agent-echo", version: "1.2.3" });
    assert.deepEqual(await parsePluginSpec("pkg", dir), {
      kind: "directory",
      path,
      name: "fleet-agent-echo",
    });
    // npm pack's layout: everything under package/.
    const staging = join(dir, "staging");
    mkdirSync(join(staging, "package"), { recursive: true });
    writeFileSync(
      join(staging, "package", "package.json"),
      JSON.stringify({ name: "@acme/fleet-provider-z" }),
    );
    execFileSync("tar", ["-czf", join(dir, "z-1.0.0.tgz"), "-C", staging, "package"]);
    assert.deepEqual(await parsePluginSpec("./z-1.0.0.tgz", dir), {
      kind: "tarball",
      path: join(dir, "z-1.0.0.tgz"),
      name: "@acme/fleet-provider-z",
    });
  });

  test("anything else must be an npm name with an optional version", async () => {
    assert.equal(registryName("fleet-provider-podman"), "fleet-provider-podman");
    assert.equal(registryName("fleet-provider-podman@^1.2"), "fleet-provider-podman");
    assert.equal(registryName("@acme/fleet-agent-x@2.0.0-rc.1"), "@acme/fleet-agent-x");
    assert.equal(registryName("git+https://example.com/x.git"), undefined);
    assert.equal(registryName("../x"), undefined);
    assert.deepEqual(await parsePluginSpec("fleet-agent-x@1", dir), {
      kind: "registry",
      spec: "fleet-agent-x@1",
      name: "fleet-agent-x",
    });
    await assert.rejects(parsePluginSpec("./missing.tgz", dir), { code: "USAGE" });
    writeFileSync(join(dir, "notes.txt"), "x");
    await assert.rejects(parsePluginSpec("notes.txt", dir), {
      code: "USAGE",
      message: /not a package tarball/,
    });
  });
});

describe("readPackage", () => {
  test("the entry is exports '.' (import, node or default), else main, else index.js", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ exports: "./a.js", main: "b.js" }, "a.js"],
      [{ exports: { ".": { import: "./esm.js", require: "./cjs.cjs" } } }, "esm.js"],
      [{ exports: { ".": { types: "./x.d.ts", default: "./d.js" } } }, "d.js"],
      [{ exports: { import: "./top.js" } }, "top.js"],
      [{ main: "lib/main.js" }, "lib/main.js"],
      [{}, "index.js"],
    ];
    for (const [i, [fields, entry]] of cases.entries()) {
      const path = writePackage(`entry-${i}`, {
        name: "fleet-agent-e",
        version: "1.0.0",
        ...fields,
      });
      assert.equal((await readPackage(path)).entry, join(path, entry), JSON.stringify(fields));
    }
  });

  test("an entry outside the package is refused", async () => {
    const path = writePackage("outside", { name: "fleet-agent-o", main: "../elsewhere.js" });
    await assert.rejects(readPackage(path), {
      code: "PLUGIN_INVALID",
      message: /outside the package/,
    });
  });
});
