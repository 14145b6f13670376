import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isFleetError } from "../../../src/core/errors.ts";
import { applyLabelEdits, parseLabelEdits } from "../../../src/core/labels/label-edits.ts";
import { matchesLabels, parseSelectors } from "../../../src/core/label-selector.ts";

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(
    fn,
    (error) => isFleetError(error) && error.exitCode === 2 && pattern.test(error.message),
  );

describe("fleet label arguments", () => {
  test("key=value sets, key- removes, as kubectl writes them", () => {
    assert.deepEqual(parseLabelEdits(["role=review", "tier-", "empty=", "a.b/c-d=x=y"]), [
      { op: "set", key: "role", value: "review" },
      { op: "remove", key: "tier" },
      { op: "set", key: "empty", value: "" },
      { op: "set", key: "a.b/c-d", value: "x=y" },
    ]);
  });

  test("every label it sets is selected again by -l key=value", () => {
    for (const arg of ["role=review", "team=pay ments", "v=1.2.3", "url=a:b@c"]) {
      const [edit] = parseLabelEdits([arg]);
      assert.ok(edit?.op === "set");
      const labels = applyLabelEdits({}, [edit]).labels;
      assert.ok(matchesLabels(labels, parseSelectors([arg])), arg);
    }
  });

  test("bad keys, unselectable values, owner and repeats are usage errors", () => {
    usage(() => parseLabelEdits([]), /at least one/);
    usage(() => parseLabelEdits(["role"]), /not a label/);
    usage(() => parseLabelEdits(["-role=x"]), /invalid label key/);
    usage(() => parseLabelEdits(["role.=x"]), /invalid label key/);
    usage(() => parseLabelEdits(["k=a,b"]), /cannot be selected/);
    usage(() => parseLabelEdits(["k=a\u001b[31m"]), /cannot be selected/);
    usage(() => parseLabelEdits(["k=\u202eevil"]), /cannot be selected/);
    usage(() => parseLabelEdits(["k= x"]), /cannot be selected/);
    usage(() => parseLabelEdits([`k=${"x".repeat(257)}`]), /at most 256/);
    usage(() => parseLabelEdits(["owner=ana"]), /owner label/);
    usage(() => parseLabelEdits(["owner-"]), /owner label/);
    usage(() => parseLabelEdits(["k=1", "k-"]), /more than once/);
  });

  test("applying reports only what changed", () => {
    const edits = parseLabelEdits(["role=review", "team=pay", "gone-"]);
    assert.deepEqual(applyLabelEdits({ team: "pay", keep: "x" }, edits), {
      labels: { team: "pay", keep: "x", role: "review" },
      set: ["role"],
      removed: [],
    });
  });
});
