/**
 * Terminal hygiene with real tmux and the built CLI: what a message may type,
 * copy mode, sessions fleet did not start, long lines, and text from hosts and
 * files printed harmlessly.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);
const ESC = "\u001b";
/** Shows every byte it reads in `cat -v` notation, one line per line read. */
const SHOW_BYTES = "cat -vT";
/** A line reader like an agent's prompt loop, in canonical mode: the kernel keeps 4095 bytes a line. */
const CANONICAL_READER = `while IFS= read -r line; do printf 'got %s chars\\n' "\${#line}"; done`;
/** The same loop with the terminal in raw mode, as agent TUIs read. */
const RAW_READER = `stty -icanon; ${CANONICAL_READER}`;

describe("terminal hygiene", () => {
  let sb: Sandbox;
  const target = (name: string): string => `=${sb.prefix}${name}:agent`;
  const screen = async (name: string): Promise<string> =>
    (await sb.tmux(["capture-pane", "-p", "-J", "-t", target(name)])).stdout;
  const create = async (name: string, command: string): Promise<void> => {
    const created = await sb.fleet(["create", name, "--command", command, "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
  };
  const transcript = async (name: string): Promise<string> =>
    (await sb.fleet(["transcript", name])).stdout;

  before(async () => {
    sb = await makeSandbox("terminal");
  });
  after(() => sb.cleanup());

  test("a message holding escapes or control characters is refused and types nothing", async () => {
    await create("bytes", SHOW_BYTES);
    const hostile = [
      `end paste ${ESC}[201~ then rm -rf ~`,
      "interrupt \u0003 it",
      "eof \u0004 here",
      "rub \u007f out",
      "c1 \u009b2J csi",
      "lone \r return",
    ];
    for (const text of hostile) {
      const sent = await sb.fleet(["message", "bytes", text]);
      assert.equal(sent.code, 1, `${JSON.stringify(text)} was not refused: ${sent.stderr}`);
      assert.match(sent.stderr, /at line 1, column \d+ \(character \d+\).*nothing was sent/);
      assert.doesNotMatch(sent.stderr, /Sent \d+ characters/);
    }
    const refused = await sb.fleet(["message", "bytes", `a${ESC}[201~b`]);
    assert.match(refused.stderr, /ESC \(\\x1b\) at line 1, column 2 \(character 2\)/);
    const ctrlC = await sb.fleet(["message", "bytes", "x\u0003"]);
    assert.match(ctrlC.stderr, /ETX \(Ctrl-C, \\x03\)/);

    // Refused messages typed nothing: cat -v is alive and shows only what came after.
    const ok = await sb.fleet(["message", "bytes", "tabs\tand plain text"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /Sent 19 characters to bytes\./);
    const shown = await waitFor(async () => {
      const text = await screen("bytes");
      return text.includes("tabs^Iand plain text") ? text : undefined;
    });
    for (const word of ["paste", "interrupt", "eof", "rub", "c1", "lone", "^["]) {
      assert.ok(!shown.includes(word), `${word} reached the terminal:\n${shown}`);
    }
    const listed = await sb.fleet(["list", "--json"]);
    const agents = (JSON.parse(listed.stdout) as { agents: { name: string; state: string }[] })
      .agents;
    assert.equal(agents.find((a) => a.name === "bytes")?.state, "RUNNING");
  });

  test("--keys presses named keys on purpose, and only names from its list", async () => {
    await create("keys", SHOW_BYTES);
    const bad = await sb.fleet(["message", "keys", "--keys", "rm -rf /"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a key name/);
    const both = await sb.fleet(["message", "keys", "text", "--keys", "Enter"]);
    assert.equal(both.code, 2);

    const pressed = await sb.fleet(["message", "keys", "--keys", "C-c"]);
    assert.equal(pressed.code, 0, pressed.stderr);
    assert.match(pressed.stderr, /Sent keys C-c to keys\./);
    await waitFor(async () => {
      const listed = await sb.fleet(["list", "--json"]);
      const agents = (JSON.parse(listed.stdout) as { agents: { name: string; state: string }[] })
        .agents;
      return agents.find((a) => a.name === "keys")?.state === "DONE";
    });

    // A finished agent: one error, one hint, and it is not started behind the user's back.
    const toDone = await sb.fleet(["message", "keys", "hello"]);
    assert.equal(toDone.code, 1);
    const lines = toDone.stderr.trim().split("\n");
    assert.equal(lines.length, 2, toDone.stderr);
    assert.match(
      lines[0] ?? "",
      /^error: agent keys has exited( with exit code \d+)?: a message needs a running agent/,
    );
    assert.match(lines[1] ?? "", /^hint: see its last output with `fleet transcript keys`/);
  });

  test("a message to a pane in copy mode is typed and submitted", async () => {
    await create("copy", CANONICAL_READER);
    const entered = await sb.tmux(["copy-mode", "-t", target("copy")]);
    assert.equal(entered.code, 0, entered.stderr);
    const inMode = await sb.tmux([
      "display-message",
      "-p",
      "-t",
      target("copy"),
      "#{pane_in_mode}",
    ]);
    assert.equal(inMode.stdout.trim(), "1");

    const sent = await sb.fleet(["message", "copy", "hello from copy mode"]);
    assert.equal(sent.code, 0, sent.stderr);
    // Submitted, not left on the line: the reader counted it.
    await waitFor(async () => (await screen("copy")).includes("got 20 chars"));
  });

  test("a message to a pane stuck in another tmux mode is reported as not delivered", async () => {
    await create("tree", CANONICAL_READER);
    const entered = await sb.tmux(["choose-tree", "-t", target("tree")]);
    assert.equal(entered.code, 0, entered.stderr);
    const sent = await sb.fleet(["message", "tree", "--json", "lost words"]);
    assert.equal(sent.code, 3, "not delivered");
    const error = (JSON.parse(sent.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, "MESSAGE_NOT_DELIVERED");
    assert.match(error.message, /not delivered: its pane is in a tmux mode/);
    assert.ok(!(await transcript("tree")).includes("lost words"));
  });

  test("a 10,000-character line to a line-reading agent is refused before anything is typed", async () => {
    await create("canon", CANONICAL_READER);
    const long = "y".repeat(9_990) + "0123456789";
    const sent = await sb.fleet(["message", "canon", "--json"], { input: long });
    assert.equal(sent.code, 1, sent.stdout);
    const error = (JSON.parse(sent.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, "MESSAGE_TOO_LONG_FOR_TERMINAL");
    assert.match(error.message, /a line of 10000 bytes, so nothing was sent/);
    assert.ok(!("sent" in (JSON.parse(sent.stdout) as object)));
    // Nothing was typed: a short message after it is the first line the reader sees.
    const ok = await sb.fleet(["message", "canon", "short"]);
    assert.equal(ok.code, 0, ok.stderr);
    const text = await waitFor(async () => {
      const shown = await screen("canon");
      return shown.includes("got 5 chars") ? shown : undefined;
    });
    assert.ok(!text.includes("yyyy"), text);
    assert.ok(!text.includes("got 4095 chars"), text);
  });

  test("the same line to a raw-mode reader arrives whole and is reported as sent", async () => {
    await create("raw", RAW_READER);
    await waitFor(async () => {
      const mode = await sb.tmux(["display-message", "-p", "-t", target("raw"), "#{pane_tty}"]);
      const stty = await execFileAsync("stty", ["-F", mode.stdout.trim(), "-a"]);
      return stty.stdout.includes("-icanon");
    });
    const long = "z".repeat(9_990) + "0123456789";
    const sent = await sb.fleet(["message", "raw"], { input: long });
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stderr, /Sent 10000 characters to raw\./);
    await waitFor(async () => (await screen("raw")).includes("got 10000 chars"));
  });

  test("a user's own tmux session named like an agent survives create, apply, stop and destroy", async () => {
    const session = `${sb.prefix}mine`;
    const made = await sb.tmux(["new-session", "-d", "-s", session, "sleep 600"]);
    assert.equal(made.code, 0, made.stderr);
    const pidOf = async (): Promise<string> =>
      (await sb.tmux(["display-message", "-p", "-t", `=${session}:`, "#{pane_pid}"])).stdout.trim();
    const pid = await pidOf();
    assert.match(pid, /^\d+$/);

    const created = await sb.fleet(["create", "mine", "--command", "sleep 300", "--no-connect"]);
    assert.equal(created.code, 1);
    assert.match(created.stderr, new RegExp(`session named "${session}" already exists`));
    assert.match(created.stderr, /not started by fleet/);
    assert.equal(await pidOf(), pid);

    const file = join(sb.dir, "mine.yaml");
    await writeFile(
      file,
      "version: 1\nname: mine\nagents:\n  mine: { agent: command, command: 'sleep 300' }\n",
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 1, applied.stdout);
    assert.match(applied.stdout, /agents\.mine: failed: .*not started by fleet/);
    assert.equal(await pidOf(), pid);

    // Nothing fleet does to an agent of that name reaches the user's session.
    await sb.fleet(["stop", "mine"]);
    await sb.fleet(["destroy", "mine", "-y"]);
    await sb.fleet(["destroy", "-f", file, "-y"]);
    assert.equal(await pidOf(), pid);
    const listed = await sb.fleet(["list", "--json"]);
    const names = (JSON.parse(listed.stdout) as { agents: { name: string }[] }).agents.map(
      (a) => a.name,
    );
    assert.ok(!names.includes("mine"), listed.stdout);
  });

  test("a first message with control characters is a validation error naming the line", async () => {
    const file = join(sb.dir, "bad-message.yaml");
    await writeFile(
      file,
      'version: 1\nname: bad\nagents:\n  a:\n    agent: command\n    command: cat\n    message: "go\\e[201~\\x03"\n',
    );
    const checked = await sb.fleet(["validate", "-f", file]);
    assert.equal(checked.code, 1);
    assert.match(checked.stderr, /bad-message\.yaml:7:\d+/);
    assert.match(checked.stderr, /message contains ESC \(\\x1b\) at line 1, column 3/);
    assert.ok(!checked.stderr.includes(ESC));
  });

  test("labels, errors and transcripts with escapes print escaped, in text and in markdown", async () => {
    const file = join(sb.dir, "labels.yaml");
    const label =
      "x\\e]0;pwned\\a\\e[2J\\u202egnp.exe\\n**Plan:** 0 to add <!-- ![i](http://127.0.0.1/x) <img src=x>";
    await writeFile(
      file,
      `version: 1\nname: labels\nagents:\n  lab:\n    agent: command\n    command: cat\n    labels: { note: "${label}" }\n`,
    );
    const text = await sb.fleet(["plan", "-f", file]);
    assert.equal(text.code, 0, text.stderr);
    for (const raw of [ESC, "\u0007", "\u202e"]) assert.ok(!text.stdout.includes(raw));
    assert.match(text.stdout, /\\u001b\]0;pwned/);
    assert.match(text.stdout, /\\u202e/);
    assert.equal(text.stdout.match(/^Plan:/gm)?.length, 1, text.stdout);

    const md = await sb.fleet(["plan", "-f", file, "--format", "markdown"]);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(!md.stdout.includes(ESC) && !md.stdout.includes("\u202e"), md.stdout);
    // Inside the diff fence markup is shown as text; the fence itself must hold.
    assert.equal(md.stdout.match(/^```diff$/gm)?.length, 1, md.stdout);
    assert.equal(md.stdout.match(/^```$/gm)?.length, 1, md.stdout);
    const outsideFences = md.stdout.replace(/^```diff$[\s\S]*?^```$/gm, "");
    for (const markup of ["<!--", "<img", "](http", "**Plan:** 0"]) {
      assert.ok(!outsideFences.includes(markup), `${markup} in:\n${md.stdout}`);
    }
    assert.equal(outsideFences.match(/\*\*Plan:\*\*/g)?.length, 1, md.stdout);

    // An error carrying text from the user.
    const missing = await sb.fleet(["message", `no${ESC}]0;x\u0007body`, "hi"]);
    assert.equal(missing.code === 0, false);
    assert.ok(!missing.stderr.includes(ESC), missing.stderr);
    assert.match(missing.stderr, /\\x1b/);

    // What an agent prints is shown escaped; --raw gives it as it is.
    await create(
      "printer",
      `printf 'title\\033]0;pwned\\007 c1\\302\\233 bidi\\342\\200\\256 end\\n'; sleep 300`,
    );
    const shown = await waitFor(async () => {
      const t = await sb.fleet(["transcript", "printer"]);
      return t.stdout.includes("end") ? t.stdout : undefined;
    });
    for (const raw of [ESC, "\u0007", "\u009b", "\u202e"]) assert.ok(!shown.includes(raw), shown);
    assert.match(shown, /c1\\x9b bidi\\u202e end/);
    const raw = await sb.fleet(["transcript", "printer", "--raw"]);
    assert.ok(raw.stdout.includes("\u202e"));
  });
});
