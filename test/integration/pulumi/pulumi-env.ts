/**
 * What the Pulumi engine's tests share: the skip when the pulumi CLI was not
 * built (said once, with how to build it), and running the real `pulumi` CLI
 * against a sandbox's stacks, the way docs/pulumi.md tells a user to.
 */
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { findPulumiBin } from "../../../src/engines/pulumi/pulumi-binary.ts";
import { netnsSkipReason } from "../../helpers/loopback-netns.ts";
import { fleetBin, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";

export function pulumiSkip(label: string): string | false {
  try {
    findPulumiBin();
    return false;
  } catch (error) {
    const why = `${(error as Error).message} (scripts/setup-test-env.sh builds it with scripts/build-pulumi.sh)`;
    console.log(`# ${label} tests skipped: ${why}`);
    return why;
  }
}

/** The environment docs/pulumi.md gives for running `pulumi` on fleet's stacks. */
export function pulumiEnv(sb: Sandbox): NodeJS.ProcessEnv {
  const root = join(sb.home, "pulumi");
  return {
    ...sb.env,
    PATH: `${findPulumiBin()}${delimiter}${sb.env.PATH ?? ""}`,
    PULUMI_HOME: join(root, "home"),
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

/** As root, commands run in a network namespace with loopback only: nothing can leave. */
const offline = netnsSkipReason() === undefined;

/** The command and arguments that run `command args` offline. */
export function offlineArgv(command: string, args: string[]): [string, string[]] {
  return offline
    ? ["unshare", ["-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", command, ...args]]
    : [command, args];
}

function spawnOffline(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
): Promise<RunResult> {
  const [file, argv] = offlineArgv(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    const timer = setTimeout(() => {
      stderr += `\n[test] killed: still running after ${timeoutMs} ms\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 124, stdout, stderr });
    });
  });
}

/** The built fleet CLI in the sandbox, offline (the Pulumi engine included). */
export function fleetOffline(
  sb: Sandbox,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = sb.dir,
): Promise<RunResult> {
  return spawnOffline(process.execPath, [fleetBin, ...args], cwd, { ...sb.env, ...env });
}

export function runPulumi(
  sb: Sandbox,
  args: string[],
  cwd = sb.dir,
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  const argv = [...args, "--color=never", "--non-interactive"];
  return spawnOffline(join(findPulumiBin(), "pulumi"), argv, cwd, { ...pulumiEnv(sb), ...env });
}

interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** `pulumi stack export` of a fleet stack: its text, and its fleet resources. */
export async function exportStack(
  sb: Sandbox,
  stack: string,
): Promise<{ text: string; resources: ExportedResource[] }> {
  const result = await runPulumi(sb, ["stack", "export", "--stack", `organization/fleet/${stack}`]);
  if (result.code !== 0) throw new Error(`pulumi stack export failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as { deployment: { resources?: ExportedResource[] } };
  const resources = (parsed.deployment.resources ?? []).filter((r) => r.type.startsWith("fleet:"));
  return { text: result.stdout, resources };
}
