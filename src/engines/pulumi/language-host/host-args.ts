/**
 * The command line the pulumi CLI starts a language plugin with: Go-style flags
 * it flows down (`--logtostderr`, `-v=N`, `--tracing URL`), then one positional
 * argument, the engine's gRPC address, last.
 */

export interface HostArgs {
  /** The engine's address (host:port); the Handshake may give it too. */
  engineAddress: string | undefined;
  /** A Zipkin-compatible endpoint, when the CLI traces. */
  tracing: string | undefined;
  /** The CLI's verbosity (`-v=N`), 0 when not given. */
  verbose: number;
  /** `--logtostderr`: log lines may go to stderr. */
  logToStderr: boolean;
}

/** Flags that take a value in the next argument when not written `--flag=value`. */
const VALUE_FLAGS = new Set(["tracing", "v", "root"]);

export function parseHostArgs(argv: readonly string[]): HostArgs {
  const result: HostArgs = {
    engineAddress: undefined,
    tracing: undefined,
    verbose: 0,
    logToStderr: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const flag = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(arg);
    if (!flag) {
      positional.push(arg);
      continue;
    }
    const name = flag[1] ?? "";
    let value = flag[2];
    if (value === undefined && VALUE_FLAGS.has(name)) {
      value = argv[i + 1];
      i++;
    }
    switch (name) {
      case "tracing":
        result.tracing = value === "" ? undefined : value;
        break;
      case "v": {
        const level = Number(value);
        result.verbose = Number.isInteger(level) && level > 0 ? level : 0;
        break;
      }
      case "logtostderr":
        result.logToStderr = value === undefined || value === "true";
        break;
      default:
        // Flags this host does not use (future ones included) are ignored.
        break;
    }
  }
  result.engineAddress = positional.at(-1);
  return result;
}
