import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deliveryCommands, deliveryFailure } from "../../../src/core/host/delivery.ts";
import { agentPaths } from "../../../src/core/host/agent-record.ts";
import {
  assertKeyNames,
  assertTypeable,
  characterCount,
  findUnsafeCharacter,
  longestLineBytes,
  normalizeLineEnds,
} from "../../../src/core/text/message-check.ts";

describe("findUnsafeCharacter", () => {
  test("newlines, tabs and any printable text are fine", () => {
    assert.equal(findUnsafeCharacter("line one\n\tline two 日本 🙂 \u202e"), undefined);
  });

  test("names the character and where it is", () => {
    assert.deepEqual(findUnsafeCharacter("ok\nab\u001b[201~"), {
      description: "ESC (\\x1b)",
      line: 2,
      column: 3,
      position: 6,
    });
    assert.equal(findUnsafeCharacter("\u0003")?.description, "ETX (Ctrl-C, \\x03)");
    assert.equal(findUnsafeCharacter("a\u007f")?.description, "DEL (\\x7f)");
    assert.equal(findUnsafeCharacter("\u009b")?.description, "C1 control U+009B (\\x9b)");
    assert.equal(findUnsafeCharacter("a\rb")?.description, "CR (Ctrl-M, \\x0d)");
  });

  test("positions count characters, not UTF-16 units", () => {
    assert.equal(findUnsafeCharacter("🙂🙂\u0004")?.position, 3);
  });

  test("every C0 control but newline and tab, DEL and every C1 control is refused", () => {
    for (let code = 0; code <= 0x9f; code++) {
      const refused = code < 0x20 || code >= 0x7f;
      const expected = refused && code !== 0x0a && code !== 0x09;
      assert.equal(
        findUnsafeCharacter(`x${String.fromCharCode(code)}`) !== undefined,
        expected,
        `U+${code.toString(16)}`,
      );
    }
  });
});

describe("assertTypeable", () => {
  test("throws MESSAGE_UNSAFE saying nothing was sent, with a hint for --keys", () => {
    assert.throws(
      () => assertTypeable("hi \u001b[201~", "the message"),
      (error: Error & { code?: string; hint?: string }) =>
        error.code === "MESSAGE_UNSAFE" &&
        /ESC \(\\x1b\) at line 1, column 4 \(character 4\).*nothing was sent/.test(error.message) &&
        (error.hint ?? "").includes("--keys"),
    );
  });
});

describe("message helpers", () => {
  test("CRLF becomes LF; a lone CR stays (and is refused)", () => {
    assert.equal(normalizeLineEnds("a\r\nb\rc"), "a\nb\rc");
  });
  test("characters are code points, line lengths bytes", () => {
    assert.equal(characterCount("é🙂"), 2);
    assert.equal(longestLineBytes("ab\né🙂\nx"), 6);
  });
});

describe("assertKeyNames", () => {
  test("accepts tmux key names with modifiers", () => {
    assertKeyNames(["C-c", "Enter", "Escape", "M-x", "S-Tab", "C-M-a", "F12", "Up", "y"]);
  });
  test("refuses text, unknown names and nothing", () => {
    for (const keys of [["hello"], ["rm -rf /"], ["C-"], ["F13"], ["Enter;kill"], []]) {
      assert.throws(() => assertKeyNames(keys), { code: "USAGE" }, JSON.stringify(keys));
    }
  });
});

describe("deliveryCommands", () => {
  const paths = agentPaths("/fleet", "a");
  const delivery = { kind: "paste" as const, bracketed: false, submitKeys: ["Enter"] };

  test("refuses unsafe text before building a script", () => {
    assert.throws(
      () =>
        deliveryCommands({
          session: "s",
          paths,
          delivery,
          payload: { kind: "text", text: "\u0003" },
        }),
      { code: "MESSAGE_UNSAFE" },
    );
  });

  test("checks the terminal mode only when a line is longer than a canonical line", () => {
    const short = deliveryCommands({
      session: "s",
      paths,
      delivery,
      payload: { kind: "text", text: "x".repeat(4095) },
    });
    assert.ok(!short.join("\n").includes("stty"));
    const long = deliveryCommands({
      session: "s",
      paths,
      delivery,
      payload: { kind: "text", text: "x".repeat(4096) },
    });
    assert.ok(long.join("\n").includes("stty -F"));
  });

  test("leaves copy mode in the same tmux command that pastes", () => {
    const script = deliveryCommands({
      session: "s",
      paths,
      delivery,
      payload: { kind: "text", text: "hi" },
    }).join("\n");
    assert.ok(
      script.includes(
        "if-shell -F -t =s:agent '#{pane_in_mode}' 'send-keys -X -t =s:agent cancel' ';' paste-buffer",
      ),
      script,
    );
  });
});

describe("deliveryFailure", () => {
  test("delivered, refused for canonical mode, or not delivered with the reason", () => {
    assert.equal(deliveryFailure("a", "@@fleet:delivered\n", 0), undefined);
    assert.equal(
      deliveryFailure("a", "@@fleet:canonical\n10000\n", 77)?.code,
      "MESSAGE_TOO_LONG_FOR_TERMINAL",
    );
    const lost = deliveryFailure("a", "@@fleet:not-delivered\nits process has exited\n", 77);
    assert.equal(lost?.code, "MESSAGE_NOT_DELIVERED");
    assert.match(lost?.message ?? "", /not delivered: its process has exited/);
  });
});
