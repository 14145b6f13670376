/**
 * stripTerminal turns what tmux records into readable text, including the cursor
 * moves TUIs draw words with (sequences as recorded from Claude Code 2.1 and Codex 0.171).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stripTerminal } from "../../../src/core/host/terminal-text.ts";

describe("stripTerminal", () => {
  test("colours and plain control sequences are removed", () => {
    assert.equal(stripTerminal("\x1b[1mbold\x1b[0m text\r\nnext\n"), "bold text\nnext\n");
  });

  test("a move to a column (Claude Code) becomes spaces", () => {
    const claude = "\x1b[38;5;231m●\x1b[3G\x1b[39mok:\x1b[7Ghello\x1b[13Gthere\r\x1b[2B✻ Baked";
    assert.equal(stripTerminal(claude), "● ok: hello there\n✻ Baked");
  });

  test("a move to a position on the same row (Codex) is spaces, to another row a newline", () => {
    const codex = "\x1b[9;1H• \x1b[22mok:\x1b[9;7Hhello\x1b[9;13Hcodex\x1b[44;1H› next";
    assert.equal(stripTerminal(codex), "• ok: hello codex\n› next");
  });

  test("moves right become spaces; repeated moves down add one newline, not blank lines", () => {
    assert.equal(stripTerminal("a\x1b[2Cb\x1b[B\x1b[B\x1b[Bc"), "a  b\nc");
  });
});

test("a carriage return followed by a move keeps the line (Claude Code's reply line)", () => {
  const raw = "\x1b[13B●\x1b[3Gok:\x1b[7Ghello\r\x1b[2C\x1b[31BThinking\x1b[50;1H";
  assert.equal(stripTerminal(raw), "● ok: hello  \nThinking\n");
  assert.equal(stripTerminal("progress 10%\rprogress 20%"), "progress 20%");
});
