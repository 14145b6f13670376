import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

describe("host lock", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("lock");
  });
  after(async () => {
    await rt.cleanup();
  });

  test("a second holder waits for the first, and is told it is waiting", async () => {
    const { provider, host, ctx } = rt.h;
    const order: string[] = [];
    const releaseFirst = await provider.lock(host, ctx);
    order.push("first locked");
    const second = provider.lock(host, ctx).then((release) => {
      order.push("second locked");
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(order, ["first locked"]);
    const waits = rt.io.messages.filter((m) => m.code === "lock.wait");
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.level, "warn");
    assert.equal(
      waits[0]?.message,
      "waiting for another fleet process to release the lock on host local",
    );

    order.push("first released");
    await releaseFirst();
    const releaseSecond = await second;
    assert.deepEqual(order, ["first locked", "first released", "second locked"]);
    await releaseSecond();
  });

  test("a free lock is taken at once without a warning", async () => {
    const before = rt.io.messages.length;
    const release = await rt.h.provider.lock(rt.h.host, rt.h.ctx);
    await release();
    assert.equal(rt.io.messages.length, before);
  });
});
