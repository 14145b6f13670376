/**
 * A host container's shell: commands run through the Engine API's exec (stdin
 * streamed, output collected), interactive ones through the docker CLI
 * (`docker exec -it`), which owns the user's terminal far better than we could.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type {
  ExecOptions,
  ExecResult,
  InteractiveCommand,
  Transport,
} from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { EngineClient } from "./engine-client.ts";
import { EngineErrorCode } from "./engine-errors.ts";
import { HELD_CODE, heldError } from "./gate.ts";
import { CANNOT_FORK_CODE, runOnChannel } from "./host-channel.ts";
import { FLEET_DIR } from "./names.ts";

export class DockerTransport implements Transport {
  readonly fleetDir = FLEET_DIR;
  readonly container: string;
  private readonly client: EngineClient;
  private readonly host: string;

  constructor(client: EngineClient, container: string, host: string) {
    this.client = client;
    this.container = container;
    this.host = host;
  }

  get hostName(): string {
    return this.host;
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    try {
      return await this.client.exec(this.container, argv, {
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.cwd === undefined ? {} : { workdir: options.cwd }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } catch (error) {
      throw hostUnusable(error, this.host, this.container);
    }
  }

  script(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // What fleet makes in /fleet is 0600/0700, whatever the image's umask.
    return this.exec(["sh", "-c", `umask 077\n${script}`], options);
  }

  interactive(argv: string[], options: { tty: boolean; cwd?: string }): InteractiveCommand {
    const docker = findOnPath("docker");
    if (docker === undefined) {
      throw new FleetError(
        "DOCKER_CLI_MISSING",
        `the docker command is not installed here: fleet uses \`docker exec\` to attach your terminal to host ${this.host}`,
        { hint: "install the Docker CLI (Debian: apt-get install docker.io; or docker-ce-cli)" },
      );
    }
    return {
      command: docker,
      args: [
        "exec",
        options.tty ? "-it" : "-i",
        ...(options.cwd === undefined ? [] : ["-w", options.cwd]),
        this.container,
        ...argv,
      ],
    };
  }
}

/**
 * The same container, but scripts go through the keep-alive's probe channel
 * first (host-channel.ts) and through exec only when it does not answer or the
 * script failed there (exec also collects stderr, for the error message). For
 * read-only scripts without input: discovery.
 */
export class ProbeTransport extends DockerTransport {
  private readonly engine: EngineClient;
  private readonly beforeExec: () => Promise<void>;

  /** `beforeExec` may refuse the fallback (a held host: see network-policy.ts). */
  constructor(
    client: EngineClient,
    container: string,
    host: string,
    beforeExec: () => Promise<void> = () => Promise.resolve(),
  ) {
    super(client, container, host);
    this.engine = client;
    this.beforeExec = beforeExec;
  }

  override async script(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.input === undefined && options.env === undefined && options.cwd === undefined) {
      const fast = await runOnChannel(this.engine, this.container, script);
      if (fast?.code === 0) return fast;
      if (fast?.code === HELD_CODE) throw heldError(this.hostName, this.container);
      if (fast?.code === CANNOT_FORK_CODE) return this.despiteNoPids(script, options);
    }
    await this.beforeExec();
    return super.script(script, options);
  }

  /** The keep-alive could not fork: exec may still get a pid; if not, say why. */
  private async despiteNoPids(script: string, options: ExecOptions): Promise<ExecResult> {
    await this.beforeExec();
    let result: ExecResult | undefined;
    try {
      result = await super.script(script, options);
    } catch {
      // Reported below: the engine could not start a process either.
    }
    if (result?.code === 0) return result;
    throw new FleetError(
      "HOST_PIDS_EXHAUSTED",
      `host ${this.hostName} cannot start a process: its pids limit is reached (a fork bomb?); its agents could not be read (the container is still running)`,
      {
        fault: "user",
        hint: `\`docker top ${this.container}\` shows what holds the pids; \`resources.pids\` sets the limit`,
        details: { host: this.hostName, container: this.container },
      },
    );
  }
}

/** An exec that failed because the container is gone or stopped gets words for it. */
export function hostUnusable(error: unknown, host: string, container: string): unknown {
  if (!(error instanceof FleetError)) return error;
  if (error.code === EngineErrorCode.notFound) {
    return new FleetError(
      "HOST_MISSING",
      `host ${host} has no container (${container} does not exist)`,
      {
        hint: "`fleet plan` shows it to be created again; `fleet apply` makes it",
        cause: error,
      },
    );
  }
  if (error.code === EngineErrorCode.conflict && /not running|is paused/i.test(error.message)) {
    return new FleetError("HOST_STOPPED", `host ${host} is stopped (container ${container})`, {
      hint: "start it again with `fleet start AGENT` (for one of its agents) or `fleet apply`",
      cause: error,
    });
  }
  return error;
}

/** The absolute path of a program on PATH, or undefined. */
export function findOnPath(program: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
