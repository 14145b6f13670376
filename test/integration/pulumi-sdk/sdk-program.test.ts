/**
 * A team's own Pulumi program using `fleet/pulumi`, run for real with `pulumi up`
 * on this machine: a project of its own whose node_modules/fleet is this
 * package (so `fleet/pulumi` is the built bundle, through package.json
 * "exports"), fleet's provider plugin and Node.js language host from bin/, a
 * file backend in a sandbox. An agent whose env is another resource's output
 * (the Host's state, known only once the host is made), a secret by name, a
 * second agent after the first; then preview finds nothing to do, and destroy
 * removes them.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, repoRoot, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { fleetOffline, pulumiSkip, runPulumi } from "../pulumi/pulumi-env.ts";

const skip = pulumiSkip("fleet/pulumi program");
const SECRET_NAME = "SDK_PROGRAM_TOKEN";
const SECRET_VALUE = "sdk-program-secret-value-2b7e41";

const program = (out: string) => `import * as fleet from "fleet/pulumi";

const here = new fleet.Host("here", { fleet: "sdkprog", provider: "local" });
const writer = new fleet.Agent("sdk-writer", {
  host: here,
  agent: "command",
  command: 'printf "%s %s" "$${SECRET_NAME}" "$HOST_STATE" > ${JSON.stringify(out)}; exec sleep 600',
  secrets: ["${SECRET_NAME}"],
  // An output of another resource: known once the host is made.
  env: { HOST_STATE: here.state },
});
new fleet.Agent("sdk-after", { host: here, command: "sleep 600" }, { dependsOn: [writer] });
export const hostName = here.spec.name;
export const writerState = writer.state;
`;

interface Listed {
  agents: { name: string; state: string; fleet: string | null; host: string }[];
}
interface Exported {
  deployment: { resources?: { urn: string; type: string; dependencies?: string[] }[] };
}

describe("a Pulumi program of a team's own, with fleet/pulumi", { skip, timeout: 600_000 }, () => {
  let sb: Sandbox;
  let project: string;
  let out: string;
  const env = { [SECRET_NAME]: SECRET_VALUE };
  const pulumi = (args: string[]) => runPulumi(sb, args, project, env);
  const agents = async () => {
    const listed = await fleetOffline(sb, ["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    return (JSON.parse(listed.stdout) as Listed).agents
      .map((a) => `${a.name}@${a.host} ${a.state} ${a.fleet ?? "-"}`)
      .sort();
  };

  before(async () => {
    sb = await makeSandbox("pulumi-sdk");
    project = join(sb.dir, "project");
    out = join(sb.dir, "writer.out");
    await mkdir(join(project, "node_modules", "@pulumi"), { recursive: true });
    // As `npm install fleet` leaves it: fleet/pulumi is the package's export.
    await symlink(repoRoot, join(project, "node_modules", "fleet"));
    await symlink(
      join(repoRoot, "node_modules", "@pulumi", "pulumi"),
      join(project, "node_modules", "@pulumi", "pulumi"),
    );
    await writeFile(join(project, "package.json"), '{ "type": "module", "main": "index.ts" }\n');
    await writeFile(
      join(project, "Pulumi.yaml"),
      `name: fleet-sdk-test
runtime:
  name: nodejs
  options:
    typescript: false
main: index.ts
plugins:
  providers:
    - name: fleet
      path: ./node_modules/fleet/bin
  languages:
    - name: nodejs
      path: ./node_modules/fleet/bin
`,
    );
    await writeFile(join(project, "index.ts"), program(out));
    // The file backend pulumiEnv names (fleet makes it on its first engine run).
    await mkdir(join(sb.home, "pulumi", "state"), { recursive: true });
    const init = await pulumi(["stack", "init", "sdk"]);
    assert.equal(init.code, 0, init.stderr + init.stdout);
  });
  after(async () => {
    if (!sb) return;
    await pulumi(["destroy", "-s", "sdk", "--yes"]);
    await sb.cleanup();
  });

  test("pulumi up makes the host and both agents, the first with its secret and the host's output", async () => {
    const up = await pulumi(["up", "-s", "sdk", "--yes"]);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.match(up.stdout, /\+ 4 created/, "the stack, the host and two agents");
    assert.match(up.stdout, /writerState: "RUNNING"/);
    assert.deepEqual(await agents(), [
      "sdk-after@here RUNNING sdkprog",
      "sdk-writer@here RUNNING sdkprog",
    ]);
    const written = await waitFor(async () => {
      const text = await readFile(out, "utf8").catch(() => "");
      return text.includes(" ") ? text : undefined;
    });
    assert.equal(written, `${SECRET_VALUE} running`);
  });

  test("the stack holds the secret's name, never its value, and fleet's order", async () => {
    const exported = await pulumi(["stack", "export", "-s", "sdk"]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(!exported.stdout.includes(SECRET_VALUE), "the secret's value is in the stack");
    assert.ok(exported.stdout.includes(SECRET_NAME));
    const resources = (JSON.parse(exported.stdout) as Exported).deployment.resources ?? [];
    const urn = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))?.urn ?? name;
    const deps = (name: string) =>
      [...(resources.find((r) => r.urn.endsWith(`::${name}`))?.dependencies ?? [])].sort();
    assert.deepEqual(deps("sdk-writer"), [urn("here")]);
    assert.deepEqual(deps("sdk-after"), [urn("here"), urn("sdk-writer")].sort());
  });

  test("a second preview finds nothing to change", async () => {
    const preview = await pulumi(["preview", "-s", "sdk", "--json"]);
    assert.equal(preview.code, 0, preview.stderr + preview.stdout);
    const steps = (JSON.parse(preview.stdout) as { steps: { op: string; urn: string }[] }).steps;
    const changes = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`);
    assert.deepEqual(changes, []);
  });

  test("pulumi destroy removes the agents", async () => {
    const destroyed = await pulumi(["destroy", "-s", "sdk", "--yes"]);
    assert.equal(destroyed.code, 0, destroyed.stderr + destroyed.stdout);
    assert.deepEqual(await agents(), []);
  });
});
