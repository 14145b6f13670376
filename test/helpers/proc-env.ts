/**
 * Reading what processes really have: /proc/PID/environ of a process and of
 * its descendants, and the modes of everything under a directory.
 */
import { readdirSync, readFileSync, lstatSync } from "node:fs";
import { join } from "node:path";

/** The environment a process runs with, from /proc (names to values). */
export function procEnviron(pid: number): Map<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, "utf8");
  const env = new Map<string, string>();
  for (const entry of raw.split("\0")) {
    if (entry === "") continue;
    const eq = entry.indexOf("=");
    env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? "" : entry.slice(eq + 1));
  }
  return env;
}

/** The pid and every live descendant of it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name is in parentheses and may contain spaces: read after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface ModeProblem {
  path: string;
  mode: string;
}

/**
 * Every directory under `root` that is not 0700 and every file that is not 0600
 * (`root` itself excluded); `skipInside` names dirs whose contents are not fleet's.
 * One exception, on purpose: the bus's socket dir (`bus/run`, holding only the
 * socket) is 0711, so that a docker container's root, which has no capabilities,
 * can reach the socket mounted from it (docs/security.md).
 */
export function wrongModes(root: string, skipInside: (path: string) => boolean): ModeProblem[] {
  const problems: ModeProblem[] = [];
  const busSocketDir = join(root, "bus", "run");
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) continue;
      const mode = stat.mode & 0o777;
      const want = stat.isDirectory() ? (path === busSocketDir ? 0o711 : 0o700) : 0o600;
      if (stat.isSocket()) continue;
      if (mode !== want) problems.push({ path, mode: mode.toString(8) });
      if (stat.isDirectory() && !skipInside(path)) visit(path);
    }
  };
  visit(root);
  return problems;
}
