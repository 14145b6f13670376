import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import { fleetNameFor, starterFleetFile } from "../../../src/core/config/starter.ts";
import { isFleetError } from "../../../src/core/errors.ts";
import { tempDir } from "./helpers.ts";

describe("starterFleetFile", () => {
  test("is a valid fleet file of command agents on the local host only", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const desired = await loadFleetFile(dir.write("fleet.yaml", starterFleetFile("shop")));
    assert.equal(desired.fleet, "shop");
    assert.ok(desired.agents.length >= 1);
    for (const spec of desired.agents) {
      assert.equal(spec.agent, "command", spec.name);
      assert.equal(spec.host, "local", spec.name);
      assert.equal(spec.secrets.length, 0, spec.name);
      assert.equal(spec.workdir, undefined, spec.name);
    }
    assert.deepEqual(
      desired.hosts.map((host) => host.name),
      ["local"],
    );
  });

  test("is commented, to teach the format", () => {
    const comments = starterFleetFile("shop")
      .split("\n")
      .filter((line) => line.includes("#"));
    assert.ok(comments.length >= 5);
  });

  test("refuses a fleet name that is not a valid name", () => {
    assert.throws(
      () => starterFleetFile("my shop"),
      (error) => isFleetError(error) && error.code === "USAGE",
    );
  });
});

describe("fleetNameFor", () => {
  test("makes a valid fleet name from a directory name", () => {
    assert.equal(fleetNameFor("/home/me/My Project"), "my-project");
    assert.equal(fleetNameFor("/srv/__api__"), "api");
    assert.equal(fleetNameFor("/"), "fleet");
    assert.equal(fleetNameFor("/x/ünïcode"), "n-code");
  });
});
