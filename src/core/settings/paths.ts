/**
 * Where fleet's configuration files are, by scope: `user` in
 * `$XDG_CONFIG_HOME/fleet/config.yaml` (default `~/.config`), `project` in
 * `.fleet/config.yaml` and `local` (this clone only, gitignored) in
 * `.fleet/config.local.yaml` of the project: the top of the git work tree the
 * current directory is in, else the current directory. Only file tests here:
 * this runs before every command.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fleetHomeDir } from "../home.ts";

export const SCOPES = ["user", "project", "local"] as const;
export type Scope = (typeof SCOPES)[number];

export interface SettingsPaths {
  user: string;
  /** The project's dir; undefined where its `.fleet` would be FLEET_HOME itself. */
  projectDir: string | undefined;
  project: string | undefined;
  local: string | undefined;
}

export function settingsPaths(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): SettingsPaths {
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg !== undefined && xdg.startsWith("/") ? xdg : join(homedir(), ".config");
  const user = join(configHome, "fleet", "config.yaml");
  const dir = projectDir(cwd);
  // `~/.fleet` is the controller's own dir: a project rooted at ~ has no .fleet of its own.
  if (resolve(dir, ".fleet") === resolve(fleetHomeDir(env))) {
    return { user, projectDir: undefined, project: undefined, local: undefined };
  }
  return {
    user,
    projectDir: dir,
    project: join(dir, ".fleet", "config.yaml"),
    local: join(dir, ".fleet", "config.local.yaml"),
  };
}

/** The nearest dir up from cwd holding `.git` (a repo or a worktree), else cwd. */
function projectDir(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

export function scopePath(paths: SettingsPaths, scope: Scope): string | undefined {
  return paths[scope];
}
