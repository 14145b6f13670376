import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactSecrets, resolveSecrets } from "../../../src/core/secrets.ts";

describe("secrets", () => {
  test("resolveSecrets takes the named values from the environment", () => {
    assert.deepEqual(
      resolveSecrets(["A_KEY", "B_KEY"], { A_KEY: "a-value", B_KEY: "", OTHER: "x" }),
      {
        A_KEY: "a-value",
        B_KEY: "",
      },
    );
  });

  test("a missing secret fails with SECRET_MISSING naming the variable, not a value", () => {
    assert.throws(
      () => resolveSecrets(["PRESENT", "ABSENT"], { PRESENT: "present-value" }),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, "SECRET_MISSING");
        assert.match(error.message, /\$ABSENT/);
        assert.ok(!`${error.message} ${error.hint ?? ""}`.includes("present-value"));
        return true;
      },
    );
  });

  test("redactSecrets replaces every occurrence of every value, longest first", () => {
    const text = "token=abcd1234 again abcd1234 and abcd";
    assert.equal(
      redactSecrets(text, ["abcd", "abcd1234"]),
      "token=(sensitive) again (sensitive) and (sensitive)",
    );
  });
});
