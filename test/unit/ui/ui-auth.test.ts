/**
 * Who may use fleet ui: the Host names this server (loopback on any port, for an
 * SSH tunnel; never another name), the Origin is the page's own, and a request
 * is the owner's only with the run's token, a share link's only while it is good.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type AuthConfig,
  hostAllowed,
  mayReach,
  originAllowed,
  principalOf,
} from "../../../src/ui/server/ui-auth.ts";
import {
  createShare,
  readShares,
  revokeShare,
  shareForToken,
} from "../../../src/core/share/share-store.ts";
import type { FleetEnv } from "../../../src/core/env.ts";

const config = (over: Partial<AuthConfig> = {}): AuthConfig => ({
  token: "owner-token-0123456789abcdef0123456789abcdef",
  port: 7377,
  listen: "127.0.0.1",
  findShare: () => undefined,
  sharesChanged: () => undefined,
  ...over,
});

describe("fleet ui: hosts and origins", () => {
  test("loopback names on any port are this server; other names are not", () => {
    for (const host of [
      "127.0.0.1:7377",
      "localhost:7377",
      "LOCALHOST:9000",
      "[::1]:7377",
      "127.0.0.1",
    ])
      assert.equal(hostAllowed(host, config()), true, host);
    for (const host of [
      "evil.example:7377",
      "127.0.0.2:7377",
      "127.0.0.1.evil.example:7377",
      undefined,
    ])
      assert.equal(hostAllowed(host, config()), false, String(host));
  });

  test("with --listen ADDR its address is accepted too; a wildcard accepts any name", () => {
    assert.equal(hostAllowed("10.1.2.3:7377", config({ listen: "10.1.2.3" })), true);
    assert.equal(hostAllowed("evil.example:7377", config({ listen: "10.1.2.3" })), false);
    assert.equal(hostAllowed("box.lan:7377", config({ listen: "0.0.0.0" })), true);
  });

  test("an Origin must be the Host it was sent to; none (curl) is fine", () => {
    assert.equal(originAllowed({ host: "127.0.0.1:7377", origin: "http://127.0.0.1:7377" }), true);
    assert.equal(originAllowed({ host: "127.0.0.1:7377" }), true);
    assert.equal(originAllowed({ host: "127.0.0.1:7377", origin: "http://evil.example" }), false);
    assert.equal(originAllowed({ host: "127.0.0.1:7377", origin: "http://localhost:7377" }), false);
  });
});

describe("fleet ui: principals", () => {
  let home: string;
  let env: FleetEnv;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "fleet-test-ui-auth-"));
    env = { home, prefix: "ft-" };
  });
  after(() => rm(home, { recursive: true, force: true }));

  test("the owner's token as bearer or cookie; a wrong one is nobody", () => {
    const c = config();
    assert.deepEqual(principalOf({ authorization: `Bearer ${c.token}` }, c), { kind: "owner" });
    assert.deepEqual(principalOf({ cookie: `a=b; fleet_ui=${c.token}` }, c), { kind: "owner" });
    assert.equal(principalOf({ cookie: "fleet_ui=nope" }, c), undefined);
    assert.equal(principalOf({ authorization: "Bearer nope" }, c), undefined);
    assert.equal(principalOf({}, c), undefined);
  });

  test("a share link is its agent's only, until revoked or expired; the store keeps no token", async () => {
    const { record, token } = await createShare(env, {
      host: "local",
      name: "docs",
      agentCreatedAt: "2026-12-03T00:00:00.000Z",
      readOnly: true,
      expiresInMs: 60_000,
    });
    assert.ok(!JSON.stringify(readShares(env)).includes(token));
    const c = config({ findShare: (given) => shareForToken(readShares(env), given) });
    const principal = principalOf({ cookie: `fleet_share=${token}` }, c);
    assert.equal(principal?.kind, "share");
    assert.ok(principal && mayReach(principal, "local", "docs"));
    assert.ok(principal && !mayReach(principal, "local", "other"));
    assert.equal(shareForToken(readShares(env), token, Date.now() + 61_000), undefined, "expired");
    await revokeShare(env, record.id);
    assert.equal(principalOf({ cookie: `fleet_share=${token}` }, c), undefined, "revoked");
  });
});
