import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { claimOnce, claimsDir, pruneClaims } from "../../../src/core/notify/claims.ts";

describe("the once-only claim store", () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "fleet-claims-"));
  });
  after(() => rm(home, { recursive: true, force: true }));
  const facts = { type: "waiting", at: "2026-01-01T00:00:00.000Z" };

  test("only the first claim of an (event, channel) wins, even when racing", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => claimOnce(home, "event-1", "webhook:x", facts)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await claimOnce(home, "event-1", "webhook:x", facts), false);
  });

  test("each channel claims the same event on its own", async () => {
    assert.equal(await claimOnce(home, "event-2", "desktop", facts), true);
    assert.equal(await claimOnce(home, "event-2", "webhook:http://h/secret", facts), true);
  });

  test("a claim file names neither the event's agent nor the channel's URL", async () => {
    await claimOnce(home, "docs\u0000waiting", "webhook:http://h/s3cr3t", facts);
    for (const name of await readdir(claimsDir(home))) {
      assert.match(name, /^[0-9a-f]{64}$/);
      const text = await readFile(join(claimsDir(home), name), "utf8");
      assert.doesNotMatch(text, /s3cr3t|docs/);
    }
  });

  test("pruning removes only claims older than the retention", async () => {
    await claimOnce(home, "old", "desktop", facts);
    await claimOnce(home, "new", "desktop", facts);
    const names = await readdir(claimsDir(home));
    const long = new Date(Date.now() - 30 * 24 * 3600_000);
    for (const name of names) await utimes(join(claimsDir(home), name), long, long);
    await claimOnce(home, "fresh", "desktop", facts);
    assert.equal(await pruneClaims(home), names.length);
    assert.equal((await readdir(claimsDir(home))).length, 1);
    assert.equal(await claimOnce(home, "fresh", "desktop", facts), false);
  });
});
