/**
 * The agent-type contract, version 1. An agent type says how to launch a kind of
 * agent, how to tell it is ready or waiting, and how to deliver a message. It is
 * pure description: the runtime (src/core/host) does the work.
 */
import type { AgentSpec } from "../model.ts";
import type { Conversation } from "./conversation.ts";

export const AGENT_TYPE_CONTRACT_VERSION = 1;

/** Where the agent runs, on its host: known when it is launched. */
export interface LaunchContext {
  /** Absolute path of its work dir. */
  workdir: string;
  /** Absolute path of its agent dir (`$FLEET_AGENT_DIR`). */
  agentDir: string;
  /**
   * The agents' bus, when this host reaches it: an MCP server on stdio that the
   * agent's CLI is to be told about (its MCP config), so the agent sees the bus's
   * tools without setup.
   */
  bus?: McpStdioServer;
}

/** An MCP server an agent's CLI starts on stdio. */
export interface McpStdioServer {
  name: string;
  command: string;
  args: string[];
}

/** Plain screen text (any case) that tells what an agent without hooks is doing. */
export interface ScreenSignals {
  /** On screen while it works. */
  busy: readonly string[];
  /** On screen while it waits for the user, and for what. */
  waiting: readonly { text: string; reason: string }[];
  /**
   * A shell command that prints how many prompts the agent has taken, read from
   * its own records (`$FLEET_AGENT_DIR` is set), or nothing when it cannot tell:
   * a delivery is proven when it grows, even when the screen showed it working
   * too briefly to be seen.
   */
  promptCount?: (spec: AgentSpec) => string;
  /**
   * A shell command that prints `busy` while the agent's own records show a turn
   * not yet answered, anything else (or nothing) otherwise: a message waits while
   * it says `busy`, even when the screen does not show it working yet.
   */
  turnState?: (spec: AgentSpec) => string;
}

export interface AgentDialog {
  pattern: RegExp;
  /** What it waits for, e.g. "folder trust dialog". */
  reason: string;
  /**
   * Asked during a turn (an approval), not at start-up: a message then waits in
   * the agent's queue until it is answered, instead of being refused.
   */
  duringTurn?: boolean;
}

export interface AgentType {
  readonly contractVersion: typeof AGENT_TYPE_CONTRACT_VERSION;
  readonly name: string;
  /** One-line description for `fleet create --help` and docs. */
  readonly description: string;
  /** True when the spec must carry `command` (type `command`). */
  readonly requiresCommand: boolean;

  /**
   * The shell lines that start the agent, passthrough args included: first
   * whatever its CLI needs prepared (per-agent config files that pre-answer its
   * first-run dialogs), then the command. They run in the agent's launcher, in
   * its work dir, with its env and secrets. An agent that was started before
   * resumes its own conversation where its CLI keeps one (unless its args pick
   * a session themselves).
   */
  launchCommand(spec: AgentSpec, context: LaunchContext): string;

  /**
   * When the agent can take input. `pattern` is matched against the visible
   * pane text; without one the agent is ready as soon as its process runs.
   */
  readonly readiness: {
    pattern?: RegExp;
    timeoutMs: number;
    /**
     * An exit within this many ms of launch fails the launch (create, start,
     * apply) with the agent's last output. Unset or 0: not checked.
     */
    exitWindowMs?: number;
  };

  /**
   * False when new mail on the agents' bus must not be typed at its prompt as a
   * notice ("2 new messages: call get_messages"): a program that is not a chat,
   * which reads its mail itself. Unset: it gets the notice.
   */
  readonly mailNotice?: boolean;

  /** Pane text that means "waiting for the user", where the agent shows one. */
  readonly waitingPattern?: RegExp;

  /**
   * True when this spec's launch installs hooks that make the agent report its
   * own turns (src/agents/turn-hooks.ts): a line in its `prompts` file for every
   * prompt it takes, and an empty waiting mark whenever it is back at its prompt.
   * Deliveries are then confirmed by the agent itself, and a message waits while
   * the agent works instead of being typed into its busy input.
   */
  reportsTurns?(spec: AgentSpec): boolean;

  /**
   * For agents that do not report their turns: plain text (any case) on screen
   * while it works, and while it waits for the user (with the reason). A watcher
   * the launch starts beside it keeps the waiting mark from them (src/agents/screen-watch.ts);
   * a message waits while any shows, and `busy` showing after Enter confirms a delivery.
   */
  readonly screenSignals?: ScreenSignals;

  /**
   * Screens that block the agent before it takes input (a trust, login or
   * approval dialog), each with the reason reported. Nothing is ever typed into
   * them: the first message is refused and the agent marked WAITING with the reason.
   */
  readonly dialogs?: readonly AgentDialog[];

  /**
   * How a message is typed in: `paste` loads it into a tmux buffer and pastes
   * it, then presses Enter (`bracketed` when the agent understands bracketed
   * paste, so multi-line messages arrive as one).
   */
  readonly delivery: { kind: "paste"; bracketed: boolean; submitKeys: string[] };

  /**
   * Where its transcript is: the terminal output fleet records for every agent,
   * or a file the agent writes (relative to its work dir or absolute with ~).
   */
  readonly transcript: { kind: "terminal" } | { kind: "file"; path: string };

  /**
   * Where the agent's CLI keeps its own record of the conversation, for
   * `fleet transcript` and `fleet usage`. Absent: the agent has none (the
   * terminal transcript is all there is).
   */
  readonly records?: AgentRecords;

  /**
   * Where, relative to the agent's dir, its CLI keeps the conversations of the
   * given work dir, for `fleet clone --conversation` and `fleet migrate`: the
   * `*.jsonl` files there are copied to the new agent's own such dir (for its work
   * dir), and the new agent resumes them when it starts. Absent, or undefined for
   * a spec that keeps them elsewhere: the conversation cannot be copied.
   */
  readonly conversationDir?: (spec: AgentSpec, workdir: string) => string | undefined;

  /**
   * The keys that answer the approval the agent asks for (WAITING, reason
   * `approval`), for `fleet ui`'s approve and deny buttons. Absent: fleet cannot
   * answer its approvals (the user answers in its terminal). `denyEndsTurn`: the
   * deny keys also end its turn, and it says so by no hook, so once the question
   * is gone fleet marks it waiting for input (src/core/host/approval-denied.ts).
   */
  readonly approvalKeys?: {
    approve: readonly string[];
    deny: readonly string[];
    denyEndsTurn?: boolean;
  };
}

/**
 * An agent's conversation records: a script that prints them on the host and a
 * parser that reads them in the controller. Hosts are untrusted: the parser
 * takes any bytes, skips what it cannot read and never throws.
 */
export interface AgentRecords {
  /**
   * POSIX sh lines that print the raw records to stdout (nothing when there are
   * none yet) and exit 0. They run on the agent's host in its work dir with
   * `FLEET_AGENT_DIR` set; fleet keeps at most the last bytes of what they print
   * (the parser must cope with a first line cut short).
   */
  script(spec: AgentSpec, context: LaunchContext): string;
  /** The conversation in what `script` printed. Pure. */
  parse(output: string): Conversation;
}
