/** The example plugin's files docs/plugins.md shows whole are the files as they are. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { docBlocks, firstLine } from "../../helpers/doc-blocks.ts";
import { repoRoot } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

describe("docs/plugins.md", () => {
  it("shows the example plugin's files exactly as they are", () => {
    const blocks = docBlocks().filter((block) => blockKind(block) === "plugin-source");
    assert.ok(blocks.length >= 1, "docs/plugins.md shows the example's manifest");
    for (const block of blocks) {
      const path = firstLine(block).replace(/^\/\/ /, "");
      const shown = block.body.split("\n").slice(1).join("\n");
      assert.equal(
        shown + "\n",
        readFileSync(join(repoRoot, path), "utf8"),
        `${block.where}: ${path}`,
      );
    }
  });
});
