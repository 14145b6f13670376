import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  formatDuration,
  formatSize,
  parseDuration,
  parseSize,
  tryParseDuration,
  tryParseSize,
} from "../../../src/core/config/units.ts";
import { isFleetError } from "../../../src/core/errors.ts";

describe("parseDuration", () => {
  test("reads each unit", () => {
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration("30s"), 30_000);
    assert.equal(parseDuration("15m"), 900_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("1d"), 86_400_000);
  });

  test("reads compound and fractional durations", () => {
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("1.5s"), 1500);
  });

  test("reads a number as seconds", () => {
    assert.equal(parseDuration(90), 90_000);
    assert.equal(parseDuration(0), 0);
  });

  test("rejects garbage with INVALID_DURATION and a hint", () => {
    for (const input of ["", "15", "15 minutes", "m", "-5s", "5x", "1h 30m", "ms", "1.s"]) {
      assert.equal(tryParseDuration(input), undefined, input);
      assert.throws(
        () => parseDuration(input),
        (error) =>
          isFleetError(error) && error.code === "INVALID_DURATION" && /30s/.test(error.hint ?? ""),
        input,
      );
    }
    assert.equal(tryParseDuration(-1), undefined);
    assert.equal(tryParseDuration(Number.NaN), undefined);
    assert.equal(tryParseDuration(Number.POSITIVE_INFINITY), undefined);
  });
});

describe("formatDuration", () => {
  test("writes the shortest exact form", () => {
    assert.equal(formatDuration(900_000), "15m");
    assert.equal(formatDuration(5_400_000), "1h30m");
    assert.equal(formatDuration(1500), "1s500ms");
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(90_061_000), "1d1h1m1s");
  });

  test("round-trips through parseDuration", () => {
    for (const ms of [1, 999, 1000, 61_000, 3_600_000, 86_400_001]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});

describe("parseSize", () => {
  test("reads binary multiples in any case, with optional i and b", () => {
    assert.equal(parseSize("512m"), 512 * 1024 ** 2);
    assert.equal(parseSize("2g"), 2 * 1024 ** 3);
    assert.equal(parseSize("2G"), 2 * 1024 ** 3);
    assert.equal(parseSize("64k"), 65_536);
    assert.equal(parseSize("1t"), 1024 ** 4);
    assert.equal(parseSize("512mb"), 512 * 1024 ** 2);
    assert.equal(parseSize("2GiB"), 2 * 1024 ** 3);
    assert.equal(parseSize("1.5g"), 1.5 * 1024 ** 3);
  });

  test("reads a plain number as bytes", () => {
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize("4096"), 4096);
  });

  test("rejects garbage with INVALID_SIZE", () => {
    for (const input of ["", "g", "2x", "-1m", "2 gigs", "1.g", "m2"]) {
      assert.equal(tryParseSize(input), undefined, input);
      assert.throws(
        () => parseSize(input),
        (error) => isFleetError(error) && error.code === "INVALID_SIZE",
        input,
      );
    }
    assert.equal(tryParseSize(1.5), undefined);
    assert.equal(tryParseSize(-1), undefined);
  });
});

describe("formatSize", () => {
  test("uses the largest unit that divides exactly", () => {
    assert.equal(formatSize(512 * 1024 ** 2), "512m");
    assert.equal(formatSize(2 * 1024 ** 3), "2g");
    assert.equal(formatSize(2048), "2k");
    assert.equal(formatSize(1536), "1536");
    assert.equal(formatSize(0), "0");
  });
});
