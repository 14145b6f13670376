/**
 * Owner names: letters and digits of any script, then also space . _ @ + -, at
 * most 64 characters (the handoff docs). ASCII names take a quicker check than
 * the others; both must give the same answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkOwnerName, controllerUser } from "../../../src/core/owners/owner-store.ts";

const valid = [
  "ana",
  "ana@example.com",
  "Ana Lopez",
  "a.b_c+d-e",
  "7",
  "José",
  "Łukasz",
  "用户",
  "x".repeat(64),
];
const invalid = [
  "-ana",
  ".ana",
  "a/b",
  "ana;rm",
  "ana\tb",
  "x".repeat(65),
  "é".repeat(65),
  "José/x",
  "😀",
];

test("owner names of any script are taken, trimmed", () => {
  for (const name of valid) assert.equal(checkOwnerName(` ${name} `), name, name);
});

test("anything else is refused with what a name may be", () => {
  for (const name of invalid) {
    assert.throws(
      () => checkOwnerName(name),
      (error: Error) => /is not an owner name/.test(error.message),
      JSON.stringify(name),
    );
  }
  assert.throws(() => checkOwnerName("  "), /needs a name/);
});

test("FLEET_USER names the controller's user when it is an owner name", () => {
  assert.equal(controllerUser({ FLEET_USER: "José" }), "José");
  assert.equal(controllerUser({ FLEET_USER: "ana@example.com" }), "ana@example.com");
  const login = controllerUser({});
  assert.equal(controllerUser({ FLEET_USER: "-bad" }), login);
  assert.equal(controllerUser({ FLEET_USER: "a/b" }), login);
});
