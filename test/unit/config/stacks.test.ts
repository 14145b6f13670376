import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { loadFleetFile, validateHostsWithProviders } from "../../../src/core/config/load.ts";
import { repoRoot } from "./helpers.ts";

const stack = join(repoRoot, "stacks", "local");

describe("the example stack stacks/local", () => {
  test("runs anywhere: command agents on the local host, a service on an auto port", async () => {
    const desired = await loadFleetFile(join(stack, "fleet.yaml"));
    assert.equal(desired.fleet, "example");
    assert.deepEqual(
      desired.agents.map((spec) => [spec.name, spec.agent, spec.host]),
      [
        ["echo-bot", "command", "local"],
        ["ticker", "command", "local"],
        ["status-board", "command", "local"],
      ],
    );
    const board = desired.agents.find((spec) => spec.name === "status-board");
    assert.deepEqual(
      board?.services.map((service) => [service.name, service.port]),
      [["heartbeat", "auto"]],
    );
    for (const spec of desired.agents) {
      assert.equal(spec.secrets.length, 0, spec.name);
      assert.equal(spec.env.FLEET_EXAMPLE, "1", spec.name);
      assert.equal(spec.labels.stack, "local", spec.name);
    }
  });

  test("passes the providers' own checks", async () => {
    await assert.doesNotReject(async () =>
      validateHostsWithProviders(await loadFleetFile(join(stack, "fleet.yaml"))),
    );
  });
});
