/**
 * The host container's main process: fleet's keep-alive, which also runs short
 * read-only scripts (the discovery probe) sent down its stdin.
 *
 * Why: every Engine API exec starts a process through runc, ~45 ms of CPU each,
 * so probing 20 containers that way costs most of a second. Attaching to the main
 * process is a plain HTTP upgrade, and the keep-alive runs the script in a fork of
 * itself (no new shell is executed): a probe costs a few ms, about the processes
 * the script itself starts. `fleet list` stays near one Engine API call.
 *
 * Protocol, text only: the client attaches and writes, in one write,
 * `fleet-run <id>\n<script lines>\n@@fleet-end <id>\n`; the keep-alive evaluates
 * the script in a subshell (stdin /dev/null, stderr dropped) and answers on its
 * stdout `@@fleet-done <id> <n>\n` followed by n bytes: the script's output then
 * `\n@@fleet-code <status>`. Every attached client sees every answer and picks its
 * own id. Requests run one at a time, so answers never interleave; one write per
 * request keeps concurrent clients' requests whole. Other input is ignored; an
 * answer that does not come makes the caller fall back to exec, so the channel is
 * only ever a fast path. Output must be text (a shell variable holds it).
 *
 * The container is created with OpenStdin and not StdinOnce (its stdin stays open
 * when a client detaches) and with no log driver (answers are not logged).
 */
import type { ExecResult } from "../../src/core/contracts/transport.ts";
import { createStreamDemuxer, type EngineClient } from "./engine-client.ts";

/** Bumped when the protocol changes; containers carry it in their `dev.fleet.channel` label. */
export const CHANNEL_VERSION = "3";

/** The answer of a keep-alive that cannot fork now (its pids limit is reached): use exec. */
export const CANNOT_FORK_CODE = 75;

/**
 * The keep-alive, in POSIX sh builtins only (dash, busybox ash). Signals a user may
 * send by accident are ignored; TERM (docker stop) ends it and the container.
 *
 * A shell dies when a fork fails (dash, bash and ash alike), and the container
 * dies with its main process: a fork bomb that exhausts the pids limit would take
 * the host down at the next probe. So the main process forks once, at start, the
 * server that evaluates requests, and never forks again: should the server die,
 * the main process answers every later request "cannot fork" (75, the caller uses
 * exec) with builtins, and the host and its agents keep running. The server also
 * refuses to fork while the container's pids cgroup is nearly full.
 */
export const KEEP_ALIVE_SCRIPT = [
  "# fleet: keep-alive and probe channel (providers/docker/host-channel.ts)",
  "trap '' INT HUP QUIT PIPE",
  "fleet_pids=/sys/fs/cgroup/pids",
  "[ -r $fleet_pids/pids.max ] || fleet_pids=/sys/fs/cgroup",
  "fleet_request() {",
  '  case $fleet_req in "fleet-run "*) ;; *) return 1 ;; esac',
  "  fleet_id=${fleet_req#fleet-run }",
  "  fleet_script=",
  "  while IFS= read -r fleet_line; do",
  '    [ "$fleet_line" = "@@fleet-end $fleet_id" ] && break',
  '    fleet_script="$fleet_script$fleet_line',
  '"',
  "  done",
  "}",
  "fleet_answer() {",
  `  printf '@@fleet-done %s %s\\n%s\\n' "$fleet_id" "\${#fleet_out}" "$fleet_out"`,
  "}",
  "fleet_cannot_fork() {",
  '  fleet_out="',
  `@@fleet-code ${CANNOT_FORK_CODE}"`,
  "  fleet_answer",
  "}",
  "fleet_room() {",
  "  { IFS= read -r fleet_max < $fleet_pids/pids.max && IFS= read -r fleet_now < $fleet_pids/pids.current; } 2>/dev/null || return 0",
  '  case $fleet_max in *[!0-9]*|"") return 0 ;; esac',
  '  case $fleet_now in *[!0-9]*|"") return 0 ;; esac',
  "  [ $((fleet_max - fleet_now)) -gt 8 ]",
  "}",
  "fleet_serve() {",
  "  while IFS= read -r fleet_req; do",
  "    fleet_request || continue",
  "    if ! fleet_room; then fleet_cannot_fork; continue; fi",
  `    fleet_out=$(trap 'printf "\\n@@fleet-code %s" "$?"' EXIT; eval "$fleet_script" </dev/null 2>/dev/null)`,
  "    fleet_answer",
  "  done",
  "  exit 0",
  "}",
  // An asynchronous command's stdin is /dev/null unless redirected: hand it the real one.
  "exec 3<&0",
  "fleet_serve <&3 3<&- &",
  "exec 3<&-",
  "wait",
  "while IFS= read -r fleet_req || exec sleep infinity; do",
  "  fleet_request && fleet_cannot_fork",
  "done",
].join("\n");

/** Whether a container (by its labels) runs this version of the keep-alive. */
export const speaksChannel = (labels: Record<string, string>): boolean =>
  labels["dev.fleet.channel"] === CHANNEL_VERSION;

/** Requests stay under PIPE_BUF, so a request is never split between writes. */
const MAX_REQUEST = 4000;
const CODE_SUFFIX = /\n@@fleet-code (\d+)$/;

/**
 * Runs a short text-output script through the container's keep-alive. Undefined
 * when the channel cannot answer (too long a script, no answer in time, engine
 * error): the caller then runs it through exec. stderr is not collected.
 */
export async function runOnChannel(
  client: EngineClient,
  container: string,
  script: string,
  timeoutMs = 5_000,
): Promise<ExecResult | undefined> {
  // Unique among the clients attached at the same moment; node:crypto would cost a load.
  const id = `${process.pid.toString(36)}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const request = `fleet-run ${id}\n${script}\n@@fleet-end ${id}\n`;
  if (Buffer.byteLength(request) > MAX_REQUEST) return undefined;
  let attached: Awaited<ReturnType<EngineClient["attach"]>>;
  try {
    attached = await client.attach(container, timeoutMs);
  } catch {
    return undefined;
  }
  const { socket, head } = attached;
  const header = new RegExp(`^@@fleet-done ${id} (\\d+)\\n`, "m");
  return new Promise((resolve) => {
    // latin1: one character per byte, so the announced length can be counted here.
    let text = "";
    let settled = false;
    const finish = (result: ExecResult | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const demux = createStreamDemuxer((stream, chunk) => {
      if (stream !== 1 || settled) return;
      text += chunk.toString("latin1");
      const match = header.exec(text);
      if (!match?.[1]) return;
      const start = match.index + match[0].length;
      const length = Number(match[1]);
      if (text.length < start + length) return;
      finish(decodeAnswer(Buffer.from(text.slice(start, start + length), "latin1")));
    });
    socket.on("data", (chunk: Buffer) => demux(chunk));
    socket.on("error", () => finish(undefined));
    socket.on("close", () => finish(undefined));
    if (head.length > 0) demux(head);
    socket.write(request);
  });
}

function decodeAnswer(bytes: Buffer): ExecResult | undefined {
  const text = bytes.toString("latin1");
  const code = CODE_SUFFIX.exec(text);
  if (!code?.[1]) return undefined;
  const stdoutBytes = bytes.subarray(0, bytes.length - code[0].length);
  return { code: Number(code[1]), stdout: stdoutBytes.toString("utf8"), stderr: "", stdoutBytes };
}
