/** Shared by the config tests: fixture paths, temp fleet files, and the error a load throws. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isFleetError } from "../../../src/core/errors.ts";
import type { FleetError } from "../../../src/core/errors.ts";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import type { ConfigProblem } from "../../../src/core/config/problems.ts";
import type { DesiredState } from "../../../src/core/model.ts";
import { registerProvider } from "../../../src/core/registry.ts";

export const repoRoot = resolve(import.meta.dirname, "..", "..", "..");
export const fixtures = join(repoRoot, "test", "fixtures", "config");

/**
 * Makes the docker and ssh providers known by name, for fixtures that use them.
 * Pure validation only asks for names; these loaders are never called.
 */
export function registerFakeProviders(): void {
  for (const name of ["docker", "ssh"]) {
    registerProvider(name, () =>
      Promise.reject(new Error(`${name} provider not loaded in unit tests`)),
    );
  }
}

export interface TempDir {
  dir: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), "fleet-config-test-"));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The FleetError `run` rejects with; fails the test when it does not reject with one. */
export async function rejection(run: () => Promise<unknown>): Promise<FleetError> {
  try {
    await run();
  } catch (error) {
    assert.ok(isFleetError(error), `expected a FleetError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

/** The FleetError `run` throws; fails the test when it does not throw one. */
export function thrown(run: () => unknown): FleetError {
  try {
    run();
  } catch (error) {
    assert.ok(isFleetError(error), `expected a FleetError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a FleetError to be thrown");
}

export function problemsOf(error: FleetError): ConfigProblem[] {
  assert.equal(error.code, "CONFIG_INVALID");
  return (error.details?.problems ?? []) as ConfigProblem[];
}

/** Loads YAML text as a fleet.yaml in a fresh temp dir (removed afterwards). */
export async function loadYaml(text: string): Promise<DesiredState> {
  const dir = tempDir();
  try {
    return await loadFleetFile(dir.write("fleet.yaml", text));
  } finally {
    dir.remove();
  }
}

/** The problems of YAML text that must not load, as `LINE:COL PATH: MESSAGE`. */
export async function yamlProblems(text: string): Promise<string[]> {
  const error = await rejection(() => loadYaml(text));
  return problemsOf(error).map(
    (problem) => `${problem.line}:${problem.column} ${problem.path}: ${problem.message}`,
  );
}
