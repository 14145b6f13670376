import { createAdHocAgent, parseEnvPairs } from "../../core/actions/create-agent.ts";
import { attachCommand } from "../../core/host/index.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";

export interface CreateOptions extends CommonOptions {
  snapshot?: string;
  file?: string;
  agent?: string;
  host?: string;
  template?: string;
  command?: string;
  workdir?: string;
  env?: string[];
  secret?: string[];
  message?: string;
  connect: boolean;
}

export async function run(name: string, args: string[], options: CreateOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const started = performance.now();
  const env = parseEnvPairs(options.env ?? []);
  const { agent, host, handle } = await createAdHocAgent(
    {
      name,
      args,
      env,
      ...pick(options, [
        "agent",
        "host",
        "template",
        "file",
        "command",
        "workdir",
        "message",
        "snapshot",
      ]),
      ...(options.secret ? { secrets: options.secret } : {}),
    },
    context,
    { cwd: process.cwd(), env: process.env },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (context.format === "json") {
    printJson({
      created: {
        name: agent.name,
        host: agent.host,
        state: agent.state,
        workdir: agent.workdir ?? null,
        ports: agent.ports ?? {},
      },
    });
    return;
  }
  printText(`Created agent ${name} on ${host.name} in ${seconds}s.`, "stderr");
  if (options.connect && process.stdin.isTTY && process.stdout.isTTY) {
    process.exitCode = await spawnInteractive(await attachCommand(handle, name));
  } else {
    printText(`Connect with: fleet connect ${name}`, "stderr");
  }
}

/** The options that were given, under the same names. */
function pick<K extends keyof CreateOptions>(
  options: CreateOptions,
  keys: readonly K[],
): Partial<Pick<CreateOptions, K>> {
  const out: Partial<Pick<CreateOptions, K>> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}
