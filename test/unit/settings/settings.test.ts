import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadSettings } from "../../../src/core/settings/current.ts";
import { settingsPaths } from "../../../src/core/settings/paths.ts";
import { parseSettings } from "../../../src/core/settings/read.ts";
import { SETTING_KEYS, settingsSchema } from "../../../src/core/settings/schema.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-settings-"));
  await mkdir(join(dir, "repo", ".git"), { recursive: true });
  await mkdir(join(dir, "repo", "a", "b"), { recursive: true });
  await mkdir(join(dir, "repo", ".fleet"), { recursive: true });
  await mkdir(join(dir, "xdg", "fleet"), { recursive: true });
});
after(() => rm(dir, { recursive: true, force: true }));

test("the user file follows XDG_CONFIG_HOME; the project is the git top, found from a subdir", () => {
  const paths = settingsPaths(
    { XDG_CONFIG_HOME: join(dir, "xdg"), FLEET_HOME: join(dir, "h") },
    join(dir, "repo", "a", "b"),
  );
  assert.equal(paths.user, join(dir, "xdg", "fleet", "config.yaml"));
  assert.equal(paths.project, join(dir, "repo", ".fleet", "config.yaml"));
  assert.equal(paths.local, join(dir, "repo", ".fleet", "config.local.yaml"));
});

test("a relative XDG_CONFIG_HOME is ignored, as the XDG spec says", () => {
  const paths = settingsPaths({ XDG_CONFIG_HOME: "relative/dir", FLEET_HOME: join(dir, "h") }, dir);
  assert.ok(paths.user.endsWith(join(".config", "fleet", "config.yaml")));
});

test("a directory whose .fleet is FLEET_HOME itself has no project files", () => {
  const paths = settingsPaths({ FLEET_HOME: join(dir, "repo", ".fleet") }, join(dir, "repo"));
  assert.equal(paths.project, undefined);
  assert.equal(paths.local, undefined);
});

test("each key comes from the most specific file; notify merges by key", async () => {
  await writeFile(
    join(dir, "xdg", "fleet", "config.yaml"),
    "agent: claude\nparallelism: 2\nnotify: { desktop: true, on: [waiting] }\n",
  );
  await writeFile(join(dir, "repo", ".fleet", "config.yaml"), "parallelism: 4\n");
  await writeFile(join(dir, "repo", ".fleet", "config.local.yaml"), "notify: { on: [failed] }\n");
  const loaded = await loadSettings(
    { XDG_CONFIG_HOME: join(dir, "xdg"), FLEET_HOME: join(dir, "h") },
    join(dir, "repo", "a"),
  );
  assert.deepEqual(loaded.values, {
    agent: "claude",
    parallelism: 4,
    notify: { desktop: true, on: ["failed"] },
  });
  assert.deepEqual(loaded.sources, { agent: "user", parallelism: "project", notify: "local" });
});

test("a bad file is named with the key and what was expected", () => {
  assert.throws(
    () => parseSettings("paralelism: 2\n", "/x/config.yaml"),
    /\/x\/config\.yaml: unknown key "paralelism"/,
  );
  assert.throws(
    () => parseSettings("parallelism: two\n", "/x/c.yaml"),
    /\/x\/c\.yaml: parallelism: /,
  );
  assert.throws(() => parseSettings("prefix: 'a:b'\n", "/x/c.yaml"), /prefix: expected 1 to 32/);
  assert.throws(() => parseSettings("agent: [\n", "/x/c.yaml"), /\/x\/c\.yaml: line \d+/);
  assert.deepEqual(parseSettings("# only a comment\n", "/x/c.yaml"), {});
});

test("SETTING_KEYS lists the schema's keys, in its order", () => {
  assert.deepEqual(SETTING_KEYS, Object.keys(settingsSchema().shape));
});
