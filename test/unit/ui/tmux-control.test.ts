/**
 * tmux control mode, parsed and spoken: pane output decoded to the exact bytes,
 * replies matched to commands in order with output in between, errors, exit,
 * and a host that sends more than it should.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import {
  ControlModeParser,
  decodeOutput,
  MAX_LINE_BYTES,
  type ControlReply,
} from "../../../src/ui/server/terminal/control-mode-parser.ts";
import { TmuxControlClient, tmuxQuote } from "../../../src/ui/server/terminal/tmux-control.ts";

function record() {
  const seen: (
    | { output: string; data: Buffer }
    | { reply: ControlReply }
    | { notification: string; args: string }
    | { exit: string | undefined }
  )[] = [];
  const parser = new ControlModeParser({
    output: (pane, data) => seen.push({ output: pane, data }),
    reply: (reply) => seen.push({ reply }),
    notification: (name, args) => seen.push({ notification: name, args }),
    exit: (reason) => seen.push({ exit: reason }),
  });
  return { seen, parser };
}

describe("control mode output decoding", () => {
  test("octal escapes become the bytes they stand for; other bytes pass as they are", () => {
    assert.deepEqual(decodeOutput(Buffer.from("a\\015\\012b")), Buffer.from("a\r\nb"));
    assert.deepEqual(decodeOutput(Buffer.from("\\033[1mX\\134")), Buffer.from("\x1b[1mX\\"));
    assert.deepEqual(decodeOutput(Buffer.from("\\000\\377")), Buffer.from([0, 0xff]));
    // Not an escape: left as written.
    assert.deepEqual(decodeOutput(Buffer.from("\\9x\\01")), Buffer.from("\\9x\\01"));
    const utf8 = Buffer.from("é€😀", "utf8");
    assert.deepEqual(decodeOutput(utf8), utf8);
  });

  test("a UTF-8 character split across reads reaches the caller whole", () => {
    const { seen, parser } = record();
    const line = Buffer.from("%output %3 😀 ok\\015\\012\n", "utf8");
    for (let i = 0; i < line.length; i++) parser.push(line.subarray(i, i + 1));
    assert.equal(seen.length, 1);
    const first = seen[0] as { output: string; data: Buffer };
    assert.equal(first.output, "%3");
    assert.equal(first.data.toString("utf8"), "😀 ok\r\n");
  });
});

describe("control mode blocks", () => {
  test("a reply's lines are kept whole, a look-alike %end inside it does not end it", () => {
    const { seen, parser } = record();
    parser.push(
      Buffer.from(
        [
          "%begin 1700000000 270 1",
          "\x1b[1mbold\x1b[0m é",
          "%end 1 2 3",
          "%output %0 not-a-notification",
          "",
          "%end 1700000000 270 1",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(seen, [
      {
        reply: {
          ok: true,
          lines: ["\x1b[1mbold\x1b[0m é", "%end 1 2 3", "%output %0 not-a-notification", ""],
          fromClient: true,
        },
      },
    ]);
  });

  test("notifications and output between replies come in stream order; %error is a failed reply", () => {
    const { seen, parser } = record();
    parser.push(
      Buffer.from(
        [
          "%begin 1 10 0",
          "%end 1 10 0",
          "%session-changed $1 agent",
          "%output %1 one",
          "%begin 1 11 1",
          "parse error: unknown command: nope",
          "%error 1 11 1",
          "%output %1 two",
          "%layout-change @1 abcd,80x24,0,0,1",
          "%exit detached",
          "%output %1 after-exit",
          "",
        ].join("\n"),
      ),
    );
    const kinds = seen.map((event) => Object.keys(event)[0]);
    assert.deepEqual(kinds, [
      "reply",
      "notification",
      "output",
      "reply",
      "output",
      "notification",
      "exit",
    ]);
    assert.deepEqual(seen[0], { reply: { ok: true, lines: [], fromClient: false } });
    assert.deepEqual(seen[3], {
      reply: { ok: false, lines: ["parse error: unknown command: nope"], fromClient: true },
    });
    assert.deepEqual(seen[6], { exit: "detached" });
  });

  test("a line past the limit ends the stream instead of growing", () => {
    const { seen, parser } = record();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent <= MAX_LINE_BYTES; sent += chunk.length) parser.push(chunk);
    assert.deepEqual(seen, [{ exit: "tmux sent a line longer than fleet accepts" }]);
  });
});

/** A client over in-memory pipes, and what it wrote to "tmux". */
function fakeTmux() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: string[] = [];
  stdin.on("data", (chunk: Buffer) =>
    written.push(...chunk.toString().split("\n").filter(Boolean)),
  );
  const output: string[] = [];
  const exits: (string | undefined)[] = [];
  const client = new TmuxControlClient(
    { stdin, stdout, terminate: () => Promise.resolve() },
    {
      output: (pane, data) => output.push(`${pane}:${data.toString()}`),
      notification: () => undefined,
      exit: (reason) => exits.push(reason),
    },
  );
  const tmux = (...lines: string[]) => stdout.write(lines.map((l) => `${l}\n`).join(""));
  return { client, written, output, exits, tmux };
}

describe("control mode client", () => {
  test("replies answer commands in order; the attach reply (flag 0) is not one of them", async () => {
    const { client, written, output, tmux } = fakeTmux();
    const first = client.run("display-message -p one");
    const both = client.run(["display-message -p two", "display-message -p three"]);
    const failing = client.run("bogus");
    assert.deepEqual(written, [
      "display-message -p one",
      "display-message -p two ; display-message -p three",
      "bogus",
    ]);
    tmux("%begin 5 1 1", "one", "%end 5 1 1", "%output %2 between");
    tmux("%begin 5 0 0", "%end 5 0 0", "%session-changed $4 a");
    tmux("%begin 5 2 1", "two", "%end 5 2 1", "%begin 5 3 1", "three", "%end 5 3 1");
    tmux("%begin 5 4 1", "unknown command: bogus", "%error 5 4 1");
    assert.deepEqual(await first, ["one"]);
    assert.deepEqual(await both, ["two", "three"]);
    await assert.rejects(failing, {
      code: "TMUX_COMMAND_FAILED",
      message: /unknown command: bogus/,
    });
    assert.equal(await client.attached, "$4");
    assert.deepEqual(output, ["%2:between"]);
  });

  test("onAnswered runs before output that follows the reply is handed on", async () => {
    const { client, output, tmux } = fakeTmux();
    const order: string[] = [];
    const reply = client.run("capture-pane -p", () =>
      order.push(`answered after ${output.length}`),
    );
    tmux("%output %1 before", "%begin 1 1 1", "screen", "%end 1 1 1", "%output %1 after");
    await reply;
    assert.deepEqual(order, ["answered after 1"]);
    assert.deepEqual(output, ["%1:before", "%1:after"]);
  });

  test("when tmux exits, waiting commands fail and later ones are refused", async () => {
    const { client, exits, tmux } = fakeTmux();
    const waiting = client.run("display-message -p x");
    tmux("%exit server exited");
    await assert.rejects(waiting, { code: "TERMINAL_GONE" });
    await assert.rejects(client.run("display-message -p y"), { code: "TERMINAL_GONE" });
    await assert.rejects(client.attached, { code: "TERMINAL_GONE" });
    assert.deepEqual(exits, ["server exited"]);
    assert.equal(client.open, false);
  });

  test("a command line is one line: newlines are refused before anything is written", async () => {
    const { client, written } = fakeTmux();
    await assert.rejects(client.run("send-keys x\nkill-server"));
    await assert.rejects(client.run([]));
    assert.deepEqual(written, []);
    assert.equal(tmuxQuote("=fleet-a:agent"), "'=fleet-a:agent'");
    assert.throws(() => tmuxQuote("it's"));
  });
});
