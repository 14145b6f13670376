/** `fleet label`, `fleet limit` and `fleet cleanup` on a docker host (real engine, tmux, git). */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  type DockerFixture,
} from "../docker/docker-fixture.ts";
import { editCleanupCases, type EditCleanupHost } from "./edit-cleanup-cases.ts";

const skip = await dockerSkip("label/limit/cleanup on docker");

describe("label, limit and cleanup on a docker host", { skip, timeout: 300_000 }, () => {
  let f: DockerFixture;
  let host: EditCleanupHost;
  before(async () => {
    f = await dockerFixture("edit-cleanup-docker");
    const repo = await f.sb.gitRepo("proj");
    const file = await f.file(`version: 1
name: team
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  owned: { command: sleep 3600, host: box, idle: disabled }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    host = {
      fleet: (args, options) => f.sb.fleet(args, options),
      host: "box",
      repo,
      env: f.sb.env,
      sharedBranch: false,
    };
  });
  after(async () => {
    if (skip === false) await f.cleanup();
  });
  editCleanupCases(() => host);
});
