/**
 * The fleet CLI: parses arguments and hands each command to its module, loaded
 * only when that command runs so start-up stays cheap. Errors become messages and
 * exit codes in report-error.ts; list-entry.ts runs a plain `fleet list` without this.
 */
import { Command, CommanderError, Option } from "commander";
import { AGENT_STATES } from "../core/state/agent-filter.ts";
import { WAIT_TARGETS } from "../core/host/wait-targets.ts";
import { completes } from "./completion-values.ts";
import { moveGlobalFlags } from "./global-flags.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";
import { runCommand } from "./run-command.ts";
import { registerInstalledPlugins } from "../core/plugins/register.ts";

const program = new Command("fleet")
  .description(
    "Declare, plan and run teams of AI coding agents on this machine, Docker and SSH hosts.",
  )
  .version("0.1.0", "-V, --version")
  .showSuggestionAfterError(true)
  .configureHelp({ sortSubcommands: false })
  .exitOverride()
  .addHelpText(
    "after",
    `
Examples:
  fleet init && fleet plan && fleet apply      declare, review, make it so
  fleet create scratch --no-connect            one agent running your shell
  fleet ls                                     every agent on every known host
  fleet message scratch "run the tests"        type into an agent
  fleet reconcile --every 1m                   stop what has gone idle
  fleet doctor                                 what this machine has, and what the fleet file needs

Commands that print results take --json. The global flags --json, --format, --no-color and
--debug go before or after the command name. Docs: docs/cli.md, docs/fleet-file.md.`,
  );

type Formats = readonly string[];
function withCommon(command: Command, formats: Formats, fallback: string): Command {
  return command
    .addOption(
      completes(
        new Option("--format <format>", `output format: ${formats.join(", ")}`).default(fallback),
        formats,
      ),
    )
    .option("--json", "same as --format json")
    .option("--debug", "show stack traces and debug messages")
    .option("--no-color", "plain output");
}

/** The command's module, run once the configuration (fleet config) is loaded. */
function lazy<A extends unknown[]>(load: () => Promise<{ run: (...args: A) => Promise<void> }>) {
  return (...args: A): Promise<void> => runCommand(load, args);
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const selectorOption = (): Option =>
  new Option(
    "-l, --selector <selector>",
    "only agents whose labels match: key=value, key!=value, key (repeatable; all must match)",
  )
    .argParser(collect)
    .default([]);

const fileOption = completes(
  new Option("-f, --file <file>", "fleet file (default: fleet.yaml or fleet.ts here)"),
  "files",
);
const hostOption = (description: string): Option =>
  completes(new Option("--host <host>", description), "hosts");

withCommon(program.command("init"), ["text", "json"], "text")
  .description("write a starter fleet.yaml in the current directory")
  .option("--name <name>", "the fleet's name (default: this directory's name)")
  .option("--force", "overwrite an existing fleet.yaml")
  .action(lazy(() => import("./commands/init.ts")));

withCommon(program.command("validate"), ["text", "json"], "text")
  .description("check a fleet file; nothing else is touched")
  .addOption(fileOption)
  .addHelpText(
    "after",
    "\nExamples:\n  fleet validate\n  fleet validate -f stacks/prod/fleet.yaml --json",
  )
  .action(lazy(() => import("./commands/validate.ts")));

function engineOption(): Option {
  return new Option(
    "--engine <engine>",
    "native (the default) or pulumi: Pulumi's engine, state and history (docs/pulumi.md)",
  )
    .choices(["native", "pulumi"])
    .default("native");
}

function stackOption(): Option {
  return new Option(
    "--stack <name>",
    "with --engine pulumi: the stack (default: NAME for stacks/NAME/fleet.yaml, else the fleet's name)",
  );
}

withCommon(program.command("plan"), ["text", "json", "markdown"], "text")
  .description("show what apply would change, against what is really running")
  .addOption(fileOption)
  .addOption(
    completes(
      new Option(
        "-o, --out <plan>",
        "save the plan, to apply exactly it later with `fleet apply PLAN`",
      ),
      "files",
    ),
  )
  .option("--detailed-exitcode", "exit 0 with no changes, 1 on error, 2 when there are changes")
  .addOption(engineOption())
  .addOption(stackOption())
  .addHelpText(
    "after",
    "\nExamples:\n  fleet plan\n  fleet plan --format markdown > plan.md     # for a pull-request comment\n  fleet plan -o plan.json && fleet apply plan.json\n  fleet plan --engine pulumi                 # Pulumi's preview (with refresh), in fleet's formats",
  )
  .action(lazy(() => import("./commands/plan.ts")));

withCommon(program.command("apply"), ["text", "json"], "text")
  .description("make what is running match the fleet file (or a saved plan)")
  .argument("[plan]", "a plan saved with `fleet plan -o`")
  .addOption(fileOption)
  .option("-y, --yes", "apply without asking")
  .addOption(
    new Option("--parallelism <n>", "changes run at once (default 8, or fleet config parallelism)"),
  )
  .addOption(engineOption())
  .addOption(stackOption())
  .addHelpText(
    "after",
    "\nExamples:\n  fleet apply\n  fleet apply -y --parallelism 4\n  fleet apply plan.json\n  fleet apply --engine pulumi -y              # through Pulumi's engine (state, history, refresh)",
  )
  .action(lazy(() => import("./commands/apply.ts")));

withCommon(program.command("destroy"), ["text", "json"], "text")
  .description(
    "destroy the fleet's agents and hosts, or just the named agents (work is saved first)",
  )
  .argument("[agents...]", "agents to destroy (NAME or NAME@HOST)")
  .addOption(fileOption)
  .addOption(selectorOption())
  .option("-y, --yes", "destroy without asking")
  .addOption(engineOption())
  .addOption(stackOption())
  .addHelpText(
    "after",
    "\nExamples:\n  fleet destroy -y              # everything the fleet file owns\n  fleet destroy scratch -y      # one agent\n  fleet destroy -l role=scratch -y",
  )
  .action(lazy(() => import("./commands/destroy.ts")));

withCommon(program.command("adopt"), ["text", "json"], "text")
  .description("show what a TAMPERED agent record asks for, and sign it as this controller's")
  .argument("<agent>", "NAME or NAME@HOST")
  .option("-y, --yes", "sign without asking (after reading what it asks for)")
  .addHelpText(
    "after",
    "\nfleet refuses to act on a record its host may have rewritten (shown TAMPERED by\n`fleet list`). Adopt it only when what it asks for is what you want; otherwise\n`fleet destroy NAME`.\n\nExamples:\n  fleet adopt fix-tests\n  fleet adopt fix-tests@box -y",
  )
  .action(lazy(() => import("./commands/adopt.ts")));

withCommon(program.command("reconcile"), ["text", "json"], "text")
  .description("stop agents idle past their timeout, and hosts left with no running agent")
  .addOption(fileOption)
  .option("--dry-run", "show what would be stopped; change nothing")
  .option("--every <duration>", "keep reconciling every DURATION (e.g. 1m) until Ctrl-C")
  .addHelpText(
    "after",
    "\nWithout -f, every agent on the hosts fleet knows, each by its recorded idleTimeout.\n\nExamples:\n  fleet reconcile --dry-run\n  fleet reconcile -f fleet.yaml\n  fleet reconcile --every 1m        # or from cron / a systemd timer",
  )
  .action(lazy(() => import("./commands/reconcile.ts")));

withCommon(program.command("notify"), ["text", "json"], "text")
  .description("watch the agents and send notifications: desktop (notify-send) and webhooks")
  .addOption(fileOption)
  .option("--every <duration>", "look every DURATION (default 2s) until Ctrl-C")
  .option("--once", "look once, against the last look any fleet notifier took (for cron)")
  .option("--test", "send a test message through every channel the rules name, and exit")
  .addHelpText(
    "after",
    "\nRules come from the fleet file's notify: (-f, else ./fleet.yaml); without one, every agent gets a\ndesktop notification for each event. An event is sent once, however many watchers run (fleet ui,\nfleet reconcile --every, fleet notify). --format json: one line per event. Docs: docs/notifications.md.\n\nExamples:\n  fleet notify                          # desktop notifications for every agent\n  fleet notify -f fleet.yaml --every 5s\n  fleet notify --test                   # is the webhook right?\n  fleet notify --once --format json     # from cron",
  )
  .action(lazy(() => import("./commands/notify.ts")));

withCommon(program.command("handoff"), ["text", "json"], "text")
  .description("hand an agent to a teammate: set its owner, record it in its events, notify")
  .argument("<agent>", "NAME or NAME@HOST")
  .requiredOption("--to <name>", "the new owner (a user name or e-mail address)")
  .option("--note <text>", "a note for the new owner (kept in the agent's events)")
  .addOption(fileOption)
  .addHelpText(
    "after",
    '\nThe owner is kept on this controller (FLEET_HOME), shown as the owner label by fleet list. The\nhandoff is notified by the rules of the agent\'s fleet file (-f, else ./fleet.yaml).\n\nExamples:\n  fleet handoff fix-tests --to ana\n  fleet handoff fix-tests@box --to ana@example.com --note "flaky test is in auth/"\n  fleet handoff docs --to sam --format json',
  )
  .action(lazy(() => import("./commands/handoff.ts")));

withCommon(program.command("label"), ["text", "json"], "text")
  .description("set or remove labels of an agent no fleet file owns")
  .argument("<agent>", "NAME or NAME@HOST")
  .argument("<labels...>", "key=value to set a label, key- to remove it")
  .addHelpText(
    "after",
    "\nAgents of a fleet file take their labels from it: edit the file and apply. The owner label is\nfleet's own: change it with fleet handoff.\n\nExamples:\n  fleet label scratch role=review team=payments\n  fleet label scratch@box role-\n  fleet ls -l role=review",
  )
  .action(lazy(() => import("./commands/label.ts")));

withCommon(program.command("limit"), ["text", "json"], "text")
  .description(
    "set the idle timeout of an agent no fleet file owns (fleet reconcile stops it then)",
  )
  .argument("<agent>", "NAME or NAME@HOST")
  .option("--idle-timeout <duration>", "stop it after this long idle (30s, 15m, 2h)")
  .option("--idle <disabled>", "disabled: never stop it for being idle")
  .addHelpText(
    "after",
    "\nAgents of a fleet file take idleTimeout (or idle: disabled) from it: edit the file and apply.\n\nExamples:\n  fleet limit scratch --idle-timeout 2h\n  fleet limit scratch@box --idle disabled",
  )
  .action(lazy(() => import("./commands/limit.ts")));

withCommon(program.command("cleanup"), ["text", "json"], "text")
  .description("stop (or destroy) agents made with fleet create that are old or idle")
  .option("--older-than <duration>", "only agents created longer ago than this (7d, 12h)")
  .option("--idle-for <duration>", "only agents with no sign of life for this long (2d, 3h)")
  .option("--stop", "stop them, keeping their work dirs (the default)")
  .option("--destroy", "destroy them; their unsaved work is saved first, as fleet destroy does")
  .addOption(selectorOption())
  .option("--dry-run", "show which agents it would stop or destroy; change nothing")
  .option("-y, --yes", "go ahead without asking")
  .addHelpText(
    "after",
    "\nAgents of fleet files are left alone (fleet reconcile stops them when idle; the file says\nwhich exist). With both limits, an agent must pass both.\n\nExamples:\n  fleet cleanup --idle-for 2d --dry-run\n  fleet cleanup --idle-for 1d -y                 # stop them\n  fleet cleanup --older-than 7d --destroy -y     # work is saved first\n  fleet cleanup --idle-for 12h -l role=scratch --format json -y",
  )
  .action(lazy(() => import("./commands/cleanup.ts")));

withCommon(program.command("gc"), ["text", "json"], "text")
  .description("delete what fleet made that nothing uses any more; never unsaved work")
  .option("--dry-run", "show what it would delete and keep; delete nothing")
  .option("-y, --yes", "delete without asking (the list is still shown)")
  .addOption(
    completes(
      new Option(
        "--repo <path>",
        "a repository to look in for fleet/* branches and worktrees (repeatable)",
      )
        .argParser(collect)
        .default([]),
      "files",
    ),
  )
  .option(
    "--saved-older-than <duration>",
    "saved work this old may go, when it exists elsewhere (default 30d)",
  )
  .option(
    "--snapshots-older-than <duration>",
    "snapshot images this old that no container uses may go (default: snapshots stay)",
  )
  .addHelpText(
    "after",
    "\nLooks at worktrees under fleet's agent dirs whose agent is gone, fleet/* branches no agent uses,\nstopped hosts no fleet file owns with no agents, cached agent locations, dead ssh ControlMaster\nsockets, saved work past its age, and images fleet committed that no container uses (snapshots\nonly with --snapshots-older-than). Anything holding work found nowhere else is kept.\n\nExamples:\n  fleet gc --dry-run\n  fleet gc -y\n  fleet gc --repo ~/src/app --saved-older-than 90d --format json -y\n  fleet gc --snapshots-older-than 30d -y",
  )
  .action(lazy(() => import("./commands/gc.ts")));

withCommon(program.command("list").alias("ls"), ["table", "json", "jsonl"], "table")
  .description("list agents on every known host")
  .addOption(hostOption("only agents on this host"))
  .addOption(
    completes(
      new Option(
        "--state <state>",
        "only agents in this state (running, waiting, stopped, done, missing)",
      ),
      AGENT_STATES,
    ),
  )
  .option(
    "--fleet <name>",
    "only agents owned by this fleet (`-` for agents made with `fleet create`)",
  )
  .addOption(selectorOption())
  .option(
    "-w, --watch",
    "keep listing: redraw on a terminal, else print each change (Ctrl-C stops)",
  )
  .addHelpText(
    "after",
    "\nExamples:\n  fleet ls\n  fleet list --state running --format json\n  fleet ls -l role=review -l tier!=prod\n  fleet ls --watch",
  )
  .action(lazy(() => import("./commands/list.ts")));

withCommon(program.command("create"), ["text", "json"], "text")
  .description("start one agent, owned by no fleet file")
  .argument("<name>", "the agent's name")
  .argument("[args...]", "passed to the agent (after --)")
  .addOption(
    completes(
      new Option(
        "--agent <type>",
        "agent type: command, claude, codex, opencode (default: fleet config agent, else command)",
      ),
      ["command", "claude", "codex", "opencode"],
    ),
  )
  .addOption(hostOption("host to run on (default: fleet config host, else local)"))
  .addOption(
    completes(
      new Option(
        "--template <template>",
        "a built-in template (claude, codex, opencode, shell) or one from the fleet file",
      ),
      ["claude", "codex", "opencode", "shell"],
    ),
  )
  .addOption(fileOption)
  .option("--command <command>", "command line, for agent type command")
  .addOption(
    completes(
      new Option(
        "--workdir <path>",
        "work dir source: a git repo (worktree on fleet/NAME) or a directory (copied)",
      ),
      "files",
    ),
  )
  .option("-e, --env <KEY=VALUE...>", "environment variables")
  .option("--secret <NAME...>", "environment variables passed from yours, never shown")
  .option("--message <text>", "first message, sent once the agent is ready")
  .option(
    "--snapshot <image>",
    "start a new docker host (--host, default NAME) from a snapshot image",
  )
  .option("--no-connect", "do not attach after creating")
  .addHelpText(
    "after",
    "\nExamples:\n  fleet create scratch --command 'bash' --no-connect\n  fleet create reviewer --agent claude --workdir . -- --model opus\n  fleet create retry --snapshot fleet-snapshot/sandbox:20261121T101500Z --command bash",
  )
  .action(lazy(() => import("./commands/create.ts")));

withCommon(program.command("connect"), ["text", "json"], "text")
  .description("attach to an agent's terminal (starts it first if stopped)")
  .argument("<agent>", "NAME or NAME@HOST")
  .action(lazy(() => import("./commands/connect.ts")));

withCommon(program.command("exec"), ["text", "json"], "text")
  .description("run a command in an agent's work dir; its exit code passes through")
  .argument("<agent>", "NAME or NAME@HOST")
  .argument("<command...>", "the command, after --")
  .addHelpText(
    "after",
    "\nExamples:\n  fleet exec docs -- git status\n  fleet exec docs -- printenv NODE_ENV",
  )
  .action(lazy(() => import("./commands/exec.ts")));

withCommon(program.command("message"), ["text", "json"], "text")
  .description("send a message to an agent (TEXT, --file, or stdin)")
  .argument("<agent>", "NAME or NAME@HOST")
  .argument("[text...]", "the message")
  .addOption(completes(new Option("--file <file>", "read the message from a file"), "files"))
  .option("--keys <keys...>", "press named tmux keys instead (C-c, Enter, Escape, Up, F1, ...)")
  .option(
    "--timeout <duration>",
    "how long the message may wait while the agent works (then exit code 3)",
    "10m",
  )
  .addHelpText(
    "after",
    '\nA message is text: one with control characters (ESC, Ctrl-C, ...) is refused, nothing typed.\nWhile the agent works, the message waits (in order, behind any sent before it) and is typed\nwhen its turn ends; the agent\'s own signal confirms it took it.\n\nExit codes: 0 delivered; 1 an error; 2 bad input; 3 not delivered (still busy at --timeout,\nor typed but not taken).\n\nExamples:\n  fleet message docs "update the changelog"\n  git diff | fleet message reviewer\n  fleet message docs --timeout 30m "then write the release notes"\n  fleet message docs --keys C-c Enter',
  )
  .action(lazy(() => import("./commands/message.ts")));

withCommon(program.command("wait"), ["text", "json"], "text")
  .description("wait until an agent is waiting for input, done, running or stopped")
  .argument("<agent>", "NAME or NAME@HOST")
  .addOption(
    new Option("--state <state>", "the state to wait for").choices(WAIT_TARGETS).default("waiting"),
  )
  .option("--timeout <duration>", "give up after this long (exit code 3)", "10m")
  .addHelpText(
    "after",
    '\nExit codes: 0 the agent reached the state; 1 an error (no such agent, host unreachable);\n2 bad input; 3 timed out; 4 it settled elsewhere (done, stopped, destroyed) and will not get there.\n\nExamples:\n  fleet message docs "update the changelog" && fleet wait docs\n  fleet wait build --state done --timeout 30m',
  )
  .action(lazy(() => import("./commands/wait.ts")));

withCommon(program.command("transcript"), ["text", "json", "jsonl"], "text")
  .description("show what an agent said and did: its conversation, from its CLI's own records")
  .argument("<agent>", "NAME or NAME@HOST")
  .option("--tail <n>", "only the last N turns (lines with --terminal or --service)")
  .option("--terminal", "what its terminal printed instead of its conversation")
  .option("--raw", "print control characters as they are (default: shown as escapes like \\x1b)")
  .option("--service <name>", "a service's output instead of the agent's")
  .option("-f, --follow", "keep printing new output until Ctrl-C or the agent is destroyed")
  .addHelpText(
    "after",
    "\nAgents of types without records (command) show their terminal. --format jsonl: one turn a line\n(docs/cli.md has the schema).\n\nExamples:\n  fleet transcript docs --tail 4\n  fleet transcript docs --format jsonl --follow\n  fleet transcript docs --terminal",
  )
  .action(lazy(() => import("./commands/transcript.ts")));

const messagesCommand = withCommon(program.command("messages"), ["text", "json", "jsonl"], "text")
  .description("show the agents' bus traffic: who sent what to whom, and whether it was read")
  .option("--agent <agent>", "only messages from or to this agent (NAME or NAME@HOST)")
  .option("--fleet <name>", "only this fleet's mailbox (_adhoc: agents made with fleet create)")
  .option("--unread", "only messages not yet read")
  .option("-f, --follow", "keep printing new messages until Ctrl-C")
  .addHelpText(
    "after",
    "\nRead from the mailboxes under FLEET_HOME/bus: the bus need not run. docs/mcp.md has the bus's\ndelivery semantics.\n\nExamples:\n  fleet messages\n  fleet messages --agent reviewer --follow\n  fleet messages --format jsonl --unread\n  fleet messages prune --older-than 1d",
  )
  .action(lazy(() => import("./commands/messages.ts")));

withCommon(messagesCommand.command("prune"), ["text", "json"], "text")
  .description("drop old read messages, and the oldest when a mailbox is over its size cap")
  .option(
    "--older-than <duration>",
    "read more than this long ago (default FLEET_BUS_RETENTION or 7d)",
  )
  .option("--max-size <size>", "cap per fleet's mailbox (default FLEET_BUS_MAX_SIZE or 64MiB)")
  .addHelpText(
    "after",
    "\nUnread messages go only when a mailbox is over its cap (oldest first). The bus also prunes with\nthe defaults at start and every hour.\n\nExamples:\n  fleet messages prune\n  fleet messages prune --older-than 12h --max-size 10MiB",
  )
  .action(lazy(async () => ({ run: (await import("./commands/messages.ts")).runPrune })));

const busCommand = program
  .command("bus")
  .description("the agents' bus daemon (started on demand; see docs/mcp.md)");

withCommon(busCommand.command("status"), ["text", "json"], "text")
  .description("whether the bus daemon runs, its pid, socket and log")
  .addHelpText("after", "\nExamples:\n  fleet bus status --format json")
  .action(lazy(async () => ({ run: (await import("./commands/bus.ts")).runStatus })));

withCommon(busCommand.command("serve"), ["text"], "text")
  .description("run the bus daemon in the foreground (fleet starts it detached when needed)")
  .addHelpText("after", "\nExamples:\n  fleet bus serve")
  .action(lazy(async () => ({ run: (await import("./commands/bus.ts")).runServe })));

withCommon(busCommand.command("stop"), ["text", "json"], "text")
  .description("stop the bus daemon (messages are kept; the next need starts it again)")
  .addHelpText("after", "\nExamples:\n  fleet bus stop")
  .action(lazy(async () => ({ run: (await import("./commands/bus.ts")).runStop })));

withCommon(program.command("usage"), ["table", "json"], "table")
  .description("tokens used per agent and for the fleet, from the agents' own records")
  .argument("[agent]", "NAME or NAME@HOST (default: every agent)")
  .option("--fleet <name>", "only the agents of this fleet")
  .addHelpText(
    "after",
    "\nExit codes: 0 ok; 1 an agent's records could not be read (its row says so) or another error.\n\nExamples:\n  fleet usage\n  fleet usage --fleet docs-team\n  fleet usage docs --format json",
  )
  .action(lazy(() => import("./commands/usage.ts")));

withCommon(program.command("logs"), ["text", "json", "jsonl"], "text")
  .description("show an agent's events (created, messages, stops with their reason)")
  .argument("<agent>", "NAME or NAME@HOST")
  .option("--tail <n>", "only the last N events (lines with --service)")
  .option("--service <name>", "a service's output instead of the agent's events")
  .option("-f, --follow", "keep printing new events until Ctrl-C or the agent is destroyed")
  .action(lazy(() => import("./commands/logs.ts")));

withCommon(program.command("events"), ["text", "json", "jsonl"], "text")
  .description("one stream of every agent's and host's events, oldest first (stopped hosts too)")
  .argument("[agent]", "NAME or NAME@HOST: only this agent's events")
  .option("--since <when>", "only events since then: a duration ago (10m, 2h) or an ISO time")
  .option("-f, --follow", "keep printing new events until Ctrl-C (or the agent is destroyed)")
  .addHelpText(
    "after",
    "\nEach line: TIME  AGENT@HOST (or host HOST)  TYPE  facts. --format jsonl: one event object a\nline; --format json: {format_version, events, errors}. Exit 1 when a host could not be read.\n\nExamples:\n  fleet events\n  fleet events --since 1h\n  fleet events docs --format jsonl --follow",
  )
  .action(lazy(() => import("./commands/events.ts")));

withCommon(program.command("capture"), ["text", "json"], "text")
  .description("print an agent's screen as it is now")
  .argument("<agent>", "NAME or NAME@HOST")
  .option("--service <name>", "a service's window instead of the agent's")
  .addHelpText(
    "after",
    "\nControl characters on the screen are shown as escapes (\\x1b). --format json: {agent, host,\ncols, rows, cursor, dead, lines}.\n\nExamples:\n  fleet capture docs\n  fleet capture docs@box --format json\n  fleet capture app --service db",
  )
  .action(lazy(() => import("./commands/capture.ts")));

/** For `fleet config`: its commands read the files themselves, so a broken one can be fixed. */
function configAction<A extends unknown[]>(
  pick: (module: typeof import("./commands/config.ts")) => (...args: A) => Promise<void>,
) {
  return async (...args: A): Promise<void> => {
    registerInstalledPlugins();
    await pick(await import("./commands/config.ts"))(...args);
  };
}
const scopeOption = (fallback: string): Option =>
  completes(new Option("--scope <scope>", `user, project or local (default ${fallback})`), [
    "user",
    "project",
    "local",
  ]);
const configCommand = program
  .command("config")
  .description("fleet's settings: default agent type and host, prefix, parallelism, notify")
  .addHelpText(
    "after",
    "\nFiles: user ~/.config/fleet/config.yaml ($XDG_CONFIG_HOME), project .fleet/config.yaml,\nlocal .fleet/config.local.yaml (gitignored). Precedence: flags > env (FLEET_PREFIX) > local >\nproject > user > defaults. Keys: agent, host, prefix, parallelism, notify (docs/cli.md).\n\nExamples:\n  fleet config list\n  fleet config set agent claude\n  fleet config set parallelism 4 --scope project\n  fleet config edit --scope local",
  );

withCommon(configCommand.command("list").alias("ls"), ["table", "json"], "table")
  .description("every key in effect and where it comes from, or what one file sets")
  .addOption(scopeOption("all, merged"))
  .addHelpText(
    "after",
    "\nExamples:\n  fleet config list\n  fleet config list --scope project --format json",
  )
  .action(configAction((m) => m.runList));

withCommon(configCommand.command("get"), ["text", "json"], "text")
  .description("one key's value in effect (or in one file: exit 1 when it does not set it)")
  .argument(
    "<key>",
    "agent, host, prefix, parallelism, notify, notify.on, notify.desktop, notify.webhooks",
  )
  .addOption(scopeOption("all, merged"))
  .addHelpText(
    "after",
    "\nExamples:\n  fleet config get agent\n  fleet config get parallelism --scope local",
  )
  .action(configAction((m) => m.runGet));

withCommon(configCommand.command("set"), ["text", "json"], "text")
  .description("set a key in one file (checked before it is written)")
  .argument(
    "<key>",
    "agent, host, prefix, parallelism, notify, notify.on, notify.desktop, notify.webhooks",
  )
  .argument(
    "<value>",
    "text for agent, host and prefix; YAML for the others (8, true, [waiting, failed])",
  )
  .addOption(scopeOption("user"))
  .addHelpText(
    "after",
    "\nExamples:\n  fleet config set agent claude\n  fleet config set host sandbox --scope project\n  fleet config set parallelism 4 --scope local\n  fleet config set notify.webhooks '[{urlFrom: SLACK_WEBHOOK}]'",
  )
  .action(configAction((m) => m.runSet));

withCommon(configCommand.command("unset"), ["text", "json"], "text")
  .description("remove a key from one file")
  .argument("<key>", "a key as for set")
  .addOption(scopeOption("user"))
  .addHelpText(
    "after",
    "\nExamples:\n  fleet config unset agent\n  fleet config unset notify.on --scope project",
  )
  .action(configAction((m) => m.runUnset));

withCommon(configCommand.command("edit"), ["text", "json"], "text")
  .description("edit one file in $VISUAL or $EDITOR; saved only if it is valid")
  .addOption(scopeOption("user"))
  .addHelpText(
    "after",
    "\nExamples:\n  fleet config edit\n  EDITOR=nano fleet config edit --scope local",
  )
  .action(configAction((m) => m.runEdit));

/** For `fleet plugin`: settings as for every command; the plugins are its business. */
function pluginAction<A extends unknown[]>(
  pick: (module: typeof import("./commands/plugin.ts")) => (...args: A) => Promise<void>,
) {
  return lazy(async () => ({ run: pick(await import("./commands/plugin.ts")) }));
}
const pluginCommand = program
  .command("plugin")
  .description(
    "third-party providers and agent types: npm packages fleet-provider-*, fleet-agent-*",
  )
  .addHelpText(
    "after",
    "\nPlugins are installed with npm into FLEET_HOME/plugins, without running their install\nscripts, and loaded only when a fleet file or command uses one of their names. A plugin\nruns as you, with your files and keys: add only plugins you trust (docs/plugins.md).\n\nExamples:\n  fleet plugin add ./fleet-provider-podman-0.1.0.tgz\n  fleet plugin add fleet-agent-aider@1.2\n  fleet plugin list --format json\n  fleet plugin remove fleet-provider-podman",
  );

withCommon(pluginCommand.command("add"), ["text", "json"], "text")
  .description("install a plugin and check it meets this fleet's contracts")
  .argument("<spec>", "a packed tarball (npm pack), a package directory, or an npm name[@version]")
  .addHelpText(
    "after",
    "\nRuns npm install --prefix FLEET_HOME/plugins --no-audit --no-fund --ignore-scripts SPEC after\ninstalling and checking it in a staging dir: a plugin whose name, manifest or contract\nversion is wrong, or whose names clash with fleet's or another plugin's, changes nothing.\nAdding an installed plugin again replaces it.\n\nExamples:\n  fleet plugin add ./fleet-provider-podman-0.1.0.tgz\n  fleet plugin add ./examples/plugins/fleet-provider-podman\n  fleet plugin add @acme/fleet-agent-review@2 --format json",
  )
  .action(pluginAction((m) => m.runAdd));

withCommon(pluginCommand.command("list").alias("ls"), ["table", "json"], "table")
  .description("installed plugins: version, what each provides, whether it meets the contracts")
  .addHelpText(
    "after",
    "\nEach plugin is loaded to check it; one that fails shows the error and the exit code is 1.\n\nExamples:\n  fleet plugin list\n  fleet plugin list --format json",
  )
  .action(pluginAction((m) => m.runList));

withCommon(pluginCommand.command("remove").alias("rm"), ["text", "json"], "text")
  .description("uninstall a plugin")
  .argument("<name>", "the plugin's package name (as fleet plugin list shows it)")
  .option("--force", "remove it even while a known host uses its provider")
  .addHelpText(
    "after",
    "\nRefused while a host fleet remembers (one a fleet file or fleet create used, not destroyed)\nuses one of its providers, unless --force: those hosts cannot be reached until it is added\nagain. Agent types are not checked: agents of a removed type cannot be started or messaged.\n\nExamples:\n  fleet plugin remove fleet-provider-podman\n  fleet plugin remove fleet-provider-podman --force --format json",
  )
  .action(pluginAction((m) => m.runRemove));

for (const [name, verb, run] of [
  ["approve", "approve", "runApprove"],
  ["deny", "deny", "runDeny"],
] as const) {
  withCommon(program.command(name), ["text", "json"], "text")
    .description(`${verb} the approval an agent asks for (fleet list shows WAITING (approval))`)
    .argument("<agent>", "NAME or NAME@HOST")
    .addHelpText(
      "after",
      `\nThe agent type's own keys answer its question (Claude Code and Codex; other types: answer in\nfleet connect). An agent that asks nothing is refused (NO_APPROVAL) and nothing is typed.${name === "deny" ? " A\ndenied agent is back at its prompt, WAITING (input)." : ""}\n\nExamples:\n  fleet ${name} fix-tests\n  fleet ${name} fix-tests@box --format json`,
    )
    .action(lazy(async () => ({ run: (await import("./commands/approval.ts"))[run] })));
}

withCommon(program.command("stop"), ["text", "json"], "text")
  .description("stop agents; their work dirs are kept")
  .argument("[agents...]", "NAME or NAME@HOST")
  .addOption(selectorOption())
  .addHelpText("after", "\nExamples:\n  fleet stop docs\n  fleet stop -l role=review")
  .action(lazy(async () => ({ run: (await import("./commands/stop-start.ts")).runStop })));

withCommon(program.command("start"), ["text", "json"], "text")
  .description("start stopped agents again")
  .argument("[agents...]", "NAME or NAME@HOST")
  .addOption(selectorOption())
  .addHelpText("after", "\nExamples:\n  fleet start docs\n  fleet start -l role=review")
  .action(lazy(async () => ({ run: (await import("./commands/stop-start.ts")).runStart })));

withCommon(program.command("pull"), ["text", "json"], "text")
  .description("bring an agent's branch (fleet/NAME) from its host into a repo here")
  .argument("<agent>", "NAME or NAME@HOST")
  .addOption(
    completes(
      new Option(
        "--repo <path>",
        "the repo to pull into (default: the agent's workdir source, else here)",
      ),
      "files",
    ),
  )
  .option("--force", "replace your branch even when it has commits the agent's lacks")
  .addHelpText(
    "after",
    "\nExamples:\n  fleet pull fix-tests\n  fleet pull fix-tests --repo ~/src/app --json",
  )
  .action(lazy(async () => ({ run: (await import("./commands/push-pull.ts")).runPull })));

withCommon(program.command("push"), ["text", "json"], "text")
  .description(
    "bring your branch (fleet/NAME) to the agent's work dir on its host (fast-forward only)",
  )
  .argument("<agent>", "NAME or NAME@HOST")
  .addOption(
    completes(
      new Option(
        "--repo <path>",
        "the repo to push from (default: the agent's workdir source, else here)",
      ),
      "files",
    ),
  )
  .addHelpText("after", "\nExamples:\n  fleet push fix-tests")
  .action(lazy(async () => ({ run: (await import("./commands/push-pull.ts")).runPush })));

withCommon(program.command("pair"), ["text", "jsonl"], "text")
  .description(
    "keep your checkout and an agent's work dir in step, both ways, until Ctrl-C (uncommitted files too)",
  )
  .argument("<agent>", "NAME or NAME@HOST")
  .addOption(
    completes(
      new Option(
        "--path <dir>",
        "your side (default: the top of the git repo here, else the current dir)",
      ),
      "files",
    ),
  )
  .addOption(
    completes(
      new Option(
        "--direction <direction>",
        "which side is written: both, to-agent, from-agent",
      ).default("both"),
      ["both", "to-agent", "from-agent"],
    ),
  )
  .addOption(
    completes(
      new Option(
        "--conflict <rule>",
        "a file changed on both sides (or different on both when pairing starts): stop, prefer-local, prefer-agent, keep-both",
      ).default("stop"),
      ["stop", "prefer-local", "prefer-agent", "keep-both"],
    ),
  )
  .addHelpText(
    "after",
    "\nBoth sides are polled about every 500 ms; a change is carried across only where the other side\nstill holds what was last synced, so an uncommitted change is never overwritten unless --conflict\nsays so. .git and files git ignores are not synced. Ctrl-C prints a summary and exits 0.\n\nExamples:\n  fleet pair fix-tests\n  fleet pair fix-tests --direction from-agent --format jsonl\n  fleet pair fix-tests --path ~/src/app --conflict keep-both",
  )
  .action(lazy(() => import("./commands/pair.ts")));

withCommon(program.command("clone"), ["text", "json"], "text")
  .description(
    "a new agent with an agent's spec, branch and uncommitted work (owned by no fleet file)",
  )
  .argument("<source>", "NAME or NAME@HOST")
  .argument("<name>", "the new agent's name")
  .addOption(hostOption("host to run the new agent on (default: the source's)"))
  .option("--conversation", "copy its conversation too: the new agent resumes it (claude, codex)")
  .addHelpText(
    "after",
    "\nThe new agent works on branch fleet/NEW, made at the source's HEAD, with its staged, unstaged\nand untracked changes copied as they are (ignored files are not). The source is not changed.\n\nExamples:\n  fleet clone fix-tests fix-tests-2\n  fleet clone fix-tests try-on-box --host box --json\n  fleet clone reviewer reviewer-2 --conversation",
  )
  .action(lazy(() => import("./commands/clone.ts")));

withCommon(program.command("migrate"), ["text", "json"], "text")
  .description(
    "move an agent to another host with its work; the original is removed, its work saved",
  )
  .argument("<agent>", "NAME or NAME@HOST")
  .addOption(completes(new Option("--to <host>", "the host to move to"), "hosts"))
  .addHelpText(
    "after",
    "\nThe agent is stopped, copied to HOST under its name and branch with its uncommitted work, and\nonly once the copy runs is the original destroyed (its work saved as destroy saves it). An agent\na fleet file owns is refused: change its host: there and apply.\n\nExamples:\n  fleet migrate fix-tests --to box\n  fleet migrate fix-tests@laptop --to sandbox --json",
  )
  .action(lazy(() => import("./commands/migrate.ts")));

withCommon(program.command("rename"), ["text", "json"], "text")
  .description("give an agent a new name: session, records, work dir and branch fleet/NAME")
  .argument("<agent>", "NAME or NAME@HOST")
  .argument("<name>", "the new name")
  .option("--keep-branch", "keep the agent's branch fleet/OLD instead of renaming it")
  .addHelpText(
    "after",
    "\nA running agent is restarted under the new name; its work dir moves with it. A branch not\nnamed fleet/OLD is always kept. An agent a fleet file owns is renamed in that file.\n\nExamples:\n  fleet rename scratch fix-login\n  fleet rename scratch@box fix-login --keep-branch --json",
  )
  .action(lazy(() => import("./commands/rename.ts")));

const hostCommand = program
  .command("host")
  .description("the hosts fleet knows (ls, rm); set up SSH hosts (trust, keygen)");

withCommon(hostCommand.command("ls").alias("list"), ["table", "json"], "table")
  .description("list the hosts fleet knows: this machine and those fleet files or create used")
  .addHelpText("after", "\nExamples:\n  fleet host ls\n  fleet host ls --format json")
  .action(lazy(async () => ({ run: (await import("./commands/host.ts")).runList })));

withCommon(hostCommand.command("rm"), ["text", "json"], "text")
  .description("forget a remembered host (nothing on it changes)")
  .argument("<host>", "a host from `fleet host ls`")
  .option("--force", "forget it even though agents are still on it")
  .addHelpText("after", "\nExamples:\n  fleet host rm old-box")
  .action(lazy(async () => ({ run: (await import("./commands/host.ts")).runRemove })));

withCommon(hostCommand.command("trust"), ["text", "json"], "text")
  .description("pin an SSH host's key after showing its fingerprint")
  .argument("<host>", "an ssh host of the fleet file (or one used before)")
  .addOption(fileOption)
  .option("--replace", "replace a different key pinned before (the host was reinstalled)")
  .option("--fingerprint <SHA256:...>", "refuse unless the host presents this key")
  .addHelpText(
    "after",
    "\nExamples:\n  fleet host trust box\n  fleet host trust box --fingerprint SHA256:abc...",
  )
  .action(lazy(async () => ({ run: (await import("./commands/host.ts")).runTrust })));

withCommon(hostCommand.command("keygen"), ["text", "json"], "text")
  .description("make an ed25519 key for an SSH host and install it there over your current login")
  .argument("<host>", "an ssh host of the fleet file (or one used before)")
  .addOption(fileOption)
  .addHelpText("after", "\nExamples:\n  fleet host keygen box")
  .action(lazy(async () => ({ run: (await import("./commands/host.ts")).runKeygen })));

withCommon(program.command("doctor"), ["text", "json"], "text")
  .description("check what fleet needs on this machine, and what your fleet file needs")
  .addOption(fileOption)
  .addHelpText(
    "after",
    "\nExits 1 when something the fleet file (-f, else ./fleet.yaml) needs is missing; without\none, only when tmux or git is.\n\nExamples:\n  fleet doctor\n  fleet doctor -f stacks/prod/fleet.yaml --format json",
  )
  .action(lazy(() => import("./commands/doctor.ts")));

// Global flags are accepted (fleet --debug completion bash) though the script has one format.
withCommon(program.command("completion"), ["text"], "text")
  .description("print a shell completion script")
  .argument("<shell>", "bash or zsh")
  .addHelpText(
    "after",
    '\nExamples:\n  source <(fleet completion bash)\n  fleet completion zsh > "${fpath[1]}/_fleet"',
  )
  .action(lazy(() => import("./commands/completion.ts")));

withCommon(program.command("snapshot"), ["text", "json"], "text")
  .description("commit the host an agent runs on (docker) to an image new hosts can start from")
  .argument("<agent>", "NAME or NAME@HOST")
  .addHelpText(
    "after",
    "\nPrints the image (fleet-snapshot/HOST:TIME); a host with `snapshot: IMAGE` starts from it.\n\nExamples:\n  fleet snapshot fix-tests\n  fleet snapshot fix-tests --json",
  )
  .action(lazy(() => import("./commands/snapshot.ts")));

withCommon(program.command("mcp"), ["text"], "text")
  .description("serve fleet's actions as MCP tools to AI clients (stdio, or HTTP on 127.0.0.1)")
  .option("--http", "serve Streamable HTTP on 127.0.0.1 instead of stdio, with a bearer token")
  .option("--port <port>", "with --http: the port (0 picks a free one; default 7333)")
  .addHelpText(
    "after",
    "\nTools: list_agents, create_agent, start_agent, stop_agent, destroy_agent, send_message,\nread_transcript, wait_for_agent, exec, plan, apply (only a planId plan returned). Resource\nfleet://agents (subscribe for state changes). With --http, the token is kept in\n$FLEET_HOME/mcp/http-token (never printed). Docs: docs/mcp.md.\n\nExamples:\n  claude mcp add fleet -- fleet mcp\n  fleet mcp --http --port 0",
  )
  .action(lazy(() => import("./commands/mcp.ts")));

withCommon(program.command("ui"), ["text", "json"], "text")
  .description(
    "serve the dashboard: live agents, terminals, messages, plan and apply, on 127.0.0.1",
  )
  .addOption(fileOption)
  .option("--port <port>", "the port (0 picks a free one; default 7377)")
  .option(
    "--listen <address>",
    "serve on this address instead of 127.0.0.1 (warns: prefer an SSH tunnel)",
  )
  .option("--refresh <duration>", "how often the hosts are read for the live list (default 1s)")
  .addHelpText(
    "after",
    "\nPrints one link, with a token made for this run; open it in a browser. The fleet file\n(-f, or fleet.yaml / fleet.ts here) is what the page plans and applies. Docs: docs/ui.md.\n\nExamples:\n  fleet ui\n  fleet ui -f team.yaml --port 8080\n  ssh -L 7377:127.0.0.1:7377 build-box   # then open the link on your laptop",
  )
  .action(lazy(() => import("./commands/ui.ts")));

withCommon(program.command("share"), ["text", "json"], "text")
  .description("give a teammate a link to one agent's page in fleet ui; list or revoke links")
  .argument("[agent]", "NAME or NAME@HOST")
  .option("--read-only", "the link watches only: it can never take control")
  .option(
    "--expires <duration>",
    "the link stops working after this long (default 1h, at most 30d)",
  )
  .option("--list", "list the links and their ids")
  .option("--revoke <id>", "revoke a link: the sessions it opened are cut at once")
  .addHelpText(
    "after",
    "\nThe link prints on stdout; fleet ui must be running to serve it.\n\nExamples:\n  fleet share docs --read-only --expires 2h\n  fleet share --list\n  fleet share --revoke 3f9a0c1d2e",
  )
  .action(lazy(() => import("./commands/share.ts")));

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed help, version or the usage error.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
    if (error.code === "commander.help") return 0;
    return 2;
  }
  return reportError(error);
}

exitOnClosedStdout();

try {
  const groups = new Set(
    program.commands.filter((c) => c.commands.length > 0).map((c) => c.name()),
  );
  await program.parseAsync(moveGlobalFlags(process.argv.slice(2), groups), { from: "user" });
} catch (error) {
  process.exitCode = report(error);
}
