/**
 * Docker hosts: `fleet apply` of 20 agents on 20 docker hosts (one each) vs the
 * floor of starting the same 20 containers with `docker run -d` 8 at a time; and
 * `fleet list` of those 20 agents vs node start-up plus one Engine API list call.
 * Needs a running engine and the base image (scripts/setup-test-env.sh).
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, fleetBin, nodeBin, run, time, writeResult, type Timing } from "./lib.ts";

const AGENTS = 20;
const PARALLEL = 8;
const RUNS = 3;
const image = process.env.FLEET_BASE_IMAGE ?? "fleet/base:bookworm";
const bench = benchEnv("docker");

const docker = (args: string[]): string => run("docker", args, bench.env);

/** Every container whose name starts with `prefix`, removed. */
function removeAll(prefix: string): void {
  const ids = docker(["ps", "-aq", "--filter", `name=^/${prefix}`])
    .split("\n")
    .filter(Boolean);
  if (ids.length > 0) docker(["rm", "-f", ...ids]);
}

/** Runs the commands `parallel` at a time; resolves when all are done (failing on any failure). */
async function pool(commands: string[][], parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commands.length) {
      const [command, ...args] = commands[next++] ?? [];
      if (command === undefined) return;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(command, args, { env: bench.env, stdio: "ignore" });
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`)),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function timed(runs: number, once: () => Promise<void>, reset: () => void): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    reset();
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  reset();
  samples.sort((a, b) => a - b);
  return {
    medianMs: samples[Math.floor(samples.length / 2)] ?? NaN,
    p90Ms: samples[Math.min(samples.length - 1, Math.floor(0.9 * samples.length))] ?? NaN,
    runs,
  };
}

const floorPrefix = `${bench.prefix}floor-`;
const hosts = Array.from({ length: AGENTS }, (_, i) => `h${i}`);

/** A fleet file of AGENTS agents spread over `hostCount` docker hosts. */
function fleetFile(name: string, hostCount: number): string {
  const path = join(bench.dir, name);
  const used = hosts.slice(0, hostCount);
  writeFileSync(
    path,
    [
      "version: 1",
      "name: benchdocker",
      "hosts:",
      ...used.map((h) => `  ${h}: { provider: docker, image: "${image}" }`),
      "agents:",
      ...hosts.map(
        (_, i) => `  a${i}: { command: "sleep 3600", host: ${used[i % hostCount] ?? ""} }`,
      ),
      "",
    ].join("\n"),
  );
  return path;
}
const file = fleetFile("fleet.yaml", AGENTS);

/** `fleet list` of the AGENTS agents, against node start-up + one Engine API list call. */
function benchList(hostCount: number): void {
  const listedCount = (
    JSON.parse(run(nodeBin, [fleetBin, "list", "--json"], bench.env)) as { agents: unknown[] }
  ).agents.length;
  if (listedCount !== AGENTS) throw new Error(`expected ${AGENTS} agents, listed ${listedCount}`);
  const floorScript = `require('node:http').get({ socketPath: '/var/run/docker.sock', path: '/containers/json', headers: { Host: 'docker' } }, (r) => r.resume())`;
  const floorList = time(nodeBin, () => ["-e", floorScript], bench.env);
  const measuredList = time(nodeBin, () => [fleetBin, "list"], bench.env);
  writeResult({
    name: `fleet list, ${AGENTS} docker agents on ${hostCount} hosts`,
    measured: measuredList,
    floor: floorList,
    floorDescription: "node -e (one GET /containers/json over the engine's socket)",
    budget: "≤ 3× floor",
    pass: measuredList.medianMs / floorList.medianMs <= 3,
    notes: `one probe per running container (${hostCount})`,
  });
}

try {
  if (spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status !== 0) {
    throw new Error(`image ${image} missing or no engine: run scripts/setup-test-env.sh`);
  }
  const apply = () => {
    run(nodeBin, [fleetBin, "apply", "-f", file, "-y"], bench.env);
    return Promise.resolve();
  };
  // Warm-up: the image check runs once per image and is remembered under FLEET_HOME.
  await apply();
  removeAll(bench.prefix);

  const floorApply = await timed(
    RUNS,
    () =>
      pool(
        hosts.map((h) => [
          "docker",
          "run",
          "-d",
          "--init",
          "--name",
          `${floorPrefix}${h}`,
          image,
          "sleep",
          "infinity",
        ]),
        PARALLEL,
      ),
    () => removeAll(floorPrefix),
  );
  const measuredApply = await timed(RUNS, apply, () => removeAll(bench.prefix));
  const applyRatio = measuredApply.medianMs / floorApply.medianMs;
  writeResult({
    name: `fleet apply, ${AGENTS} agents on ${AGENTS} docker hosts`,
    measured: measuredApply,
    floor: floorApply,
    floorDescription: `${AGENTS} × docker run -d --init, ${PARALLEL} at a time`,
    budget: "≤ 1.5× floor",
    pass: applyRatio <= 1.5,
  });

  await apply();
  benchList(AGENTS);
  removeAll(bench.prefix);
  const fewer = fleetFile("fleet-4-hosts.yaml", 4);
  run(nodeBin, [fleetBin, "apply", "-f", fewer, "-y"], bench.env);
  benchList(4);
} finally {
  removeAll(bench.prefix);
  bench.cleanup();
}
