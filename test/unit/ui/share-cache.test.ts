/**
 * The running fleet ui's view of the share links: a link `fleet share` (another
 * process) made a moment ago opens at once, even right after the server read the
 * links; one revoked there is refused within the cache's age.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createShare, revokeShare } from "../../../src/core/share/share-store.ts";
import type { FleetEnv } from "../../../src/core/env.ts";
import { ShareCache } from "../../../src/ui/server/share-cache.ts";

describe("fleet ui: the share links it knows", () => {
  let env: FleetEnv;
  before(async () => {
    env = { home: await mkdtemp(join(tmpdir(), "fleet-test-share-cache-")), prefix: "ft-" };
  });
  after(() => rm(env.home, { recursive: true, force: true }));

  const newShare = () =>
    createShare(env, {
      host: "local",
      name: "docs",
      agentCreatedAt: "2026-12-03T00:00:00.000Z",
      readOnly: true,
      expiresInMs: 60_000,
    });

  test("a link made just after a read opens at once, not only once the cache is old", async () => {
    const cache = new ShareCache(env, () => undefined, 60_000);
    assert.deepEqual(cache.good(), [], "read once: no links yet");
    const { record, token } = await newShare();
    assert.equal(cache.find(token)?.id, record.id);
    assert.equal(cache.find("not-a-token"), undefined);
  });

  test("a revoked link is refused once the cache is older than its age", async () => {
    const cache = new ShareCache(env, () => undefined, 50);
    const { record, token } = await newShare();
    assert.equal(cache.find(token)?.id, record.id);
    await revokeShare(env, record.id);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(cache.find(token), undefined);
  });

  test("a link for a later agent of the same name is refused", async () => {
    const cache = new ShareCache(env, () => "2026-12-04T00:00:00.000Z", 60_000);
    const { token } = await newShare();
    assert.equal(cache.find(token), undefined);
  });
});
