/**
 * SSH hosts, against a real sshd on loopback with fleet's ControlMaster
 * connection already open:
 * - `fleet exec A -- true` on an SSH agent vs node start-up + one `ssh` command
 *   (fleet's own options) over the open connection (budget 2×);
 * - `fleet list` across one SSH host with 10 agents plus the local host vs the
 *   same floor (budget 3×).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SshConnection } from "../providers/ssh/connection.ts";
import type { HostSpec } from "../src/core/model.ts";
import { closeSshMasters, sshdSkipReason, startSshd } from "../test/helpers/sshd.ts";
import { benchEnv, fleetBin, nodeBin, run, time, writeResult } from "./lib.ts";

const AGENTS = 10;
const skip = sshdSkipReason();
if (skip !== undefined) {
  process.stderr.write(`bench ssh: skipped: ${skip}\n`);
  process.exit(0);
}

const bench = benchEnv("ssh");
const sshd = await startSshd({ label: "bench" });
try {
  const config = {
    address: sshd.address,
    port: sshd.port,
    identityFile: sshd.clientKey,
    hostKey: sshd.hostKey,
  };
  const file = join(bench.dir, "fleet.yaml");
  const remote = Array.from(
    { length: AGENTS },
    (_, i) => `  r${i}: { host: box, command: "sleep 3600" }`,
  );
  writeFileSync(
    file,
    [
      "version: 1",
      "name: benchssh",
      "hosts:",
      `  box: { provider: ssh, address: ${JSON.stringify(config.address)}, port: ${config.port}, identityFile: ${JSON.stringify(config.identityFile)}, hostKey: ${JSON.stringify(config.hostKey)} }`,
      "agents:",
      ...remote,
      '  here: { command: "sleep 3600" }',
      "",
    ].join("\n"),
  );
  run(nodeBin, [fleetBin, "apply", "-f", file, "-y"], bench.env);
  const listed = JSON.parse(run(nodeBin, [fleetBin, "list", "--json"], bench.env)) as {
    agents: { host: string; state: string }[];
  };
  const running = listed.agents.filter((a) => a.state === "RUNNING");
  if (running.length !== AGENTS + 1)
    throw new Error(`expected ${AGENTS + 1} running agents, listed ${running.length}`);

  // The floor runs ssh exactly as fleet does, over the connection fleet opened.
  const host: HostSpec = { name: "box", provider: "ssh", config };
  const connection = new SshConnection(
    host,
    { home: bench.env.FLEET_HOME ?? "", prefix: bench.prefix },
    bench.env,
  );
  const ssh = connection.command("true", { tty: false });
  const floorScript = `require('node:child_process').execFileSync(${JSON.stringify(ssh.command)}, ${JSON.stringify(ssh.args)}, { stdio: 'ignore' })`;
  const floor = time(nodeBin, () => ["-e", floorScript], bench.env, 30);
  const floorDescription = "node -e (execFileSync one ssh command over the open ControlMaster)";

  const exec = time(nodeBin, () => [fleetBin, "exec", "r0", "--", "true"], bench.env, 30);
  const execRatio = exec.medianMs / floor.medianMs;
  writeResult({
    name: "fleet exec A -- true, SSH agent (connection open)",
    measured: exec,
    floor,
    floorDescription,
    budget: "≤ 2× floor",
    pass: execRatio <= 2,
  });

  const list = time(nodeBin, () => [fleetBin, "list"], bench.env, 30);
  const listRatio = list.medianMs / floor.medianMs;
  writeResult({
    name: `fleet list, 1 SSH host × ${AGENTS} agents + local`,
    measured: list,
    floor,
    floorDescription,
    budget: "≤ 3× floor",
    pass: listRatio <= 3,
  });
} finally {
  await closeSshMasters(bench.env.FLEET_HOME ?? "");
  await sshd.stop();
  bench.cleanup();
}
