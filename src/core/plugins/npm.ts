/**
 * npm, as fleet runs it on its plugins dir: never a package's install scripts
 * (--ignore-scripts), no audit or funding requests, no update notice.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FleetError } from "../errors.ts";
import { mkdirPrivate } from "../private-files.ts";
import { runProcess } from "../run-process.ts";

export const NPM_FLAGS = ["--no-audit", "--no-fund", "--ignore-scripts", "--no-update-notifier"];

const NPM_TIMEOUT_MS = 5 * 60_000;

/** Makes DIR an npm project of its own (so npm never climbs to a package.json above it). */
export async function ensureNpmProject(dir: string): Promise<void> {
  await mkdirPrivate(dir);
  const manifest = join(dir, "package.json");
  await writeFile(
    manifest,
    JSON.stringify(
      {
        name: "fleet-plugins",
        private: true,
        description: "fleet's installed plugins (fleet plugin add)",
      },
      null,
      2,
    ) + "\n",
    { flag: "wx", mode: 0o600 },
  ).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  });
}

export async function npm(
  command: "install" | "uninstall",
  dir: string,
  spec: string,
): Promise<void> {
  const args = [command, "--prefix", dir, ...NPM_FLAGS, spec];
  const result = await runProcess(process.env.FLEET_NPM ?? "npm", args, {
    cwd: dir,
    env: process.env,
    timeoutMs: NPM_TIMEOUT_MS,
  });
  if (result.code === 0) return;
  const lines = result.stderr
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "");
  throw new FleetError(
    "PLUGIN_INSTALL",
    `npm ${command} ${spec} failed (exit ${result.code}): ${lines.slice(-6).join("\n") || "no output"}`,
    {
      hint:
        command === "install"
          ? "check the spec; an npm name needs the registry to be reachable"
          : "see npm's message above",
      fault: "system",
    },
  );
}
