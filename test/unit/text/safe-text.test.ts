import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderTable } from "../../../src/cli/render/table.ts";
import { safeJson, safeLines, safeRendered, safeText } from "../../../src/core/text/safe-text.ts";

describe("safeText", () => {
  test("shows C0, DEL, C1 and ESC as visible escapes", () => {
    assert.equal(safeText("a\u001b[2Jb"), "a\\x1b[2Jb");
    assert.equal(safeText("\u0000\u0003\u0007\u007f"), "\\x00\\x03\\x07\\x7f");
    assert.equal(safeText("csi\u009b1m nel\u0085"), "csi\\x9b1m nel\\x85");
  });

  test("shows bidi controls and line separators as \\u escapes", () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const char = String.fromCodePoint(code);
      assert.equal(safeText(`x${char}y`), `x\\u${code.toString(16)}y`);
    }
    assert.equal(safeText("\u200e\u200f\u061c\u2028\u2029"), "\\u200e\\u200f\\u061c\\u2028\\u2029");
  });

  test("one line: newline, tab and CR are escaped too", () => {
    assert.equal(safeText("a\nPlan: b\tc\rd"), "a\\nPlan: b\\tc\\rd");
  });

  test("leaves ordinary text, accents, CJK and emoji alone", () => {
    const text = "déjà vu 日本語 مرحبا 🙂 -> | `code` \\ back";
    assert.equal(safeText(text), text);
  });
});

describe("safeLines", () => {
  test("keeps newlines and tabs, escapes the rest", () => {
    assert.equal(safeLines("line 1\n\tline\u001b]0;x\u0007 2"), "line 1\n\tline\\x1b]0;x\\x07 2");
  });
});

describe("safeRendered", () => {
  test("keeps fleet's own colours and escapes any other sequence", () => {
    const own = "\u001b[32m+\u001b[39m ok";
    assert.equal(safeRendered(own), own);
    assert.equal(
      safeRendered("\u001b[31mred\u001b[39m \u001b[2J\u001b]8;;x\u0007"),
      "\u001b[31mred\u001b[39m \\x1b[2J\\x1b]8;;x\\x07",
    );
  });
});

describe("renderTable", () => {
  test("cells from hosts are escaped and cannot break the row", () => {
    const table = renderTable(["NAME", "FLEET"], [["a\u001b[2J", "x\nfake row\u202e"]]);
    assert.equal(table.split("\n").length, 2);
    assert.ok(!table.includes("\u001b") && !table.includes("\u202e"));
    assert.match(table, /a\\x1b\[2J +x\\nfake row\\u202e/);
  });
});

describe("safeJson", () => {
  test("is the same JSON, with C0, DEL, C1 and bidi controls escaped", () => {
    const value = { name: "a\u001b[2J\u007f\u009b\u202e\u2066z", list: ["日本 🙂"] };
    assert.deepEqual(JSON.parse(safeJson(value)), value);
    const json = safeJson(value, 0);
    // eslint-disable-next-line no-control-regex -- no control character may be left raw
    assert.doesNotMatch(json, /[\u0000-\u001f\u007f-\u009f\u202e\u2066]/u);
    assert.match(json, /\\u001b\[2J\\u007f\\u009b\\u202e\\u2066z/);
  });
});
