/**
 * Shared set-up for the docker provider's tests: a sandbox (temp FLEET_HOME, own
 * tmux server, unique FLEET_PREFIX), an Engine API client, a fleet file writer,
 * and a cleanup that removes every container, network and image the file made.
 * Tests skip, saying why, unless FLEET_TEST_DOCKER=1 and the engine answers.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test as nodeTest } from "node:test";
import { EngineClient } from "../../../providers/docker/engine-client.ts";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import { baseImage, dockerSkipReason } from "../docker-engine/docker-test-env.ts";

export { baseImage };

export interface DockerFixture {
  sb: Sandbox;
  client: EngineClient;
  /** Writes `name` (default fleet.yaml) in the sandbox; returns its path. */
  file(yaml: string, name?: string): Promise<string>;
  /** Runs the CLI; fails the test with its output when the exit code is not `expect`. */
  fleet(args: string[], expect?: number, env?: NodeJS.ProcessEnv): Promise<RunResult>;
  container(host: string): string;
  /** Networks and images to remove in cleanup. */
  networks: string[];
  images: string[];
  cleanup(): Promise<void>;
}

/** The skip reason for the whole file, printed once. */
export async function dockerSkip(label: string): Promise<string | false> {
  const skip = await dockerSkipReason();
  if (skip !== false) console.log(`# ${label} tests skipped: ${skip}`);
  return skip;
}

/** `test` carrying the file's skip, so the runner counts each test as skipped. */
export const testWith =
  (skip: string | false) =>
  (name: string, fn: () => Promise<void>): void => {
    nodeTest(name, { skip }, fn);
  };

export async function dockerFixture(label: string): Promise<DockerFixture> {
  const sb = await makeSandbox(label);
  const client = new EngineClient();
  const fixture: DockerFixture = {
    sb,
    client,
    networks: [],
    images: [],
    async file(yaml, name = "fleet.yaml") {
      const path = join(sb.dir, name);
      await writeFile(path, yaml);
      return path;
    },
    async fleet(args, expect = 0, env) {
      const result = await sb.fleet(args, env ? { env } : {});
      if (result.code !== expect) {
        throw new Error(
          `fleet ${args.join(" ")} exited ${result.code}, expected ${expect}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
        );
      }
      return result;
    },
    container: (host) => `${sb.prefix}${host}`,
    async cleanup() {
      const mine = await client.listContainers({
        all: true,
        filters: { name: [`^/${sb.prefix}`] },
      });
      for (const c of mine) await client.removeContainer(c.Id, { force: true }).catch(() => 0);
      for (const network of fixture.networks) await client.removeNetwork(network).catch(() => 0);
      for (const image of fixture.images) {
        await client.removeImage(image, { force: true }).catch(() => 0);
      }
      client.close();
      await sb.cleanup();
    },
  };
  return fixture;
}

/** `fleet list --json`, as name -> {host, state}. */
export async function listed(
  f: DockerFixture,
  env?: NodeJS.ProcessEnv,
): Promise<Map<string, { host: string; state: string }>> {
  const result = await f.sb.fleet(["list", "--json"], env ? { env } : {});
  const doc = JSON.parse(result.stdout) as {
    agents: { name: string; host: string; state: string }[];
  };
  return new Map(doc.agents.map((a) => [a.name, { host: a.host, state: a.state }]));
}

/** `fleet plan --json`'s changes, as address -> action. */
export async function planned(f: DockerFixture, file: string): Promise<Map<string, string>> {
  const result = await f.sb.fleet(["plan", "-f", file, "--json"]);
  if (!result.stdout.trim().startsWith("{")) {
    throw new Error(`fleet plan failed (${result.code}): ${result.stdout}${result.stderr}`);
  }
  const doc = JSON.parse(result.stdout) as { changes: { address: string; action: string }[] };
  return new Map(doc.changes.map((c) => [c.address, c.action]));
}

/**
 * An `--internal` network (no way out of it) on a random 10.2xx.y.0/24 the machine
 * does not route: tests only ever talk to containers on it. Returns its name and subnet.
 */
export async function internalNetwork(
  f: DockerFixture,
  suffix: string,
): Promise<{ name: string; base: string }> {
  const name = `${f.sb.prefix}${suffix}`;
  for (let attempt = 0; ; attempt++) {
    const base = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
    try {
      await f.client.createNetwork({
        Name: name,
        Internal: true,
        Labels: { "dev.fleet.test": f.sb.prefix },
        IPAM: { Config: [{ Subnet: `${base}.0/24` }] },
      });
      f.networks.push(name);
      return { name, base };
    } catch (error) {
      // Another network took that subnet: try another.
      if (attempt >= 5) throw error;
    }
  }
}
