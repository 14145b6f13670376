/**
 * The checkout side of fleet pair writes paths the agent's host named: a write
 * through a symlinked directory is refused (nothing lands outside the checkout),
 * and a write or delete goes ahead only while the file still holds what was decided on.
 */
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { localSide, sha1 } from "../../../src/core/pair/local-side.ts";

describe("the checkout side of pair", () => {
  let dir: string;
  let root: string;
  let outside: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fleet-pair-local-"));
    root = join(dir, "checkout");
    outside = join(dir, "outside");
    await mkdir(root);
    await mkdir(outside);
    await symlink(outside, join(root, "link"));
    await writeFile(join(root, "a.txt"), "one\n");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("a write through a symlinked dir is refused and writes nothing outside", async () => {
    const side = localSide(root, { git: false });
    assert.equal(await side.write("link/evil.txt", Buffer.from("x"), false, undefined), "refused");
    assert.deepEqual(await readdir(outside), []);
  });

  test("the listing leaves symlinks out", async () => {
    await writeFile(join(outside, "f"), "outside\n");
    const listing = await localSide(root, { git: false }).list();
    assert.deepEqual([...listing.keys()].sort(), ["a.txt"]);
  });

  test("a write whose target changed meanwhile is skipped, and leaves the file as it is", async () => {
    const side = localSide(root, { git: false });
    const stale = sha1(Buffer.from("an older version\n"));
    assert.equal(await side.write("a.txt", Buffer.from("theirs\n"), false, stale), "changed");
    assert.equal(await readFile(join(root, "a.txt"), "utf8"), "one\n");
    assert.equal(await side.remove("a.txt", stale), "changed");
    assert.equal(await readFile(join(root, "a.txt"), "utf8"), "one\n");
  });

  test("a write that matches goes through a temp file and leaves none behind", async () => {
    const side = localSide(root, { git: false });
    const current = sha1(Buffer.from("one\n"));
    assert.equal(await side.write("a.txt", Buffer.from("two\n"), false, current), "done");
    assert.equal(await side.write("new/dir/b.txt", Buffer.from("b\n"), false, undefined), "done");
    assert.equal(await readFile(join(root, "a.txt"), "utf8"), "two\n");
    assert.deepEqual((await readdir(join(root, "new", "dir"))).sort(), ["b.txt"]);
    assert.deepEqual((await readdir(root)).sort(), ["a.txt", "link", "new"]);
  });
});
