/**
 * The provider's check, as the engine calls it: required inputs are refused
 * when absent, and accepted when the engine marks them unknown (a preview of a
 * program whose agent's host comes from another resource's output).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fleetProvider } from "../../../src/engines/pulumi/provider/fleet-provider.ts";

const AGENT_URN = "urn:pulumi:dev::team::fleet:index:Agent::worker";
const HOST_URN = "urn:pulumi:dev::team::fleet:index:Host::box";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function failuresOf(urn: string, news: Record<string, unknown>): Promise<string[]> {
  assert.ok(fleetProvider.check, "the provider has a check");
  const result = await fleetProvider.check(urn, {}, news);
  return (result.failures ?? []).map((failure) => failure.property);
}

describe("fleet provider check", () => {
  test("an agent with its fleet, name and host spec passes", async () => {
    const news = { fleet: "team", name: "worker", hostSpec: { name: "local", provider: "local" } };
    assert.deepEqual(await failuresOf(AGENT_URN, news), []);
  });

  test("an agent without fleet, name or host spec is refused on each", async () => {
    assert.deepEqual(await failuresOf(AGENT_URN, {}), ["fleet", "name", "hostSpec"]);
    assert.deepEqual(await failuresOf(AGENT_URN, { fleet: "", name: "w", hostSpec: null }), [
      "fleet",
      "hostSpec",
    ]);
  });

  test("inputs the engine does not know yet (preview) are accepted", async () => {
    assert.deepEqual(
      await failuresOf(AGENT_URN, { fleet: UNKNOWN, name: UNKNOWN, hostSpec: UNKNOWN }),
      [],
    );
    assert.deepEqual(await failuresOf(HOST_URN, { fleet: "team", name: UNKNOWN }), []);
  });

  test("a host without a name is refused", async () => {
    assert.deepEqual(await failuresOf(HOST_URN, { fleet: "team" }), ["name"]);
  });
});
