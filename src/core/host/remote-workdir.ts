/**
 * Work dirs on hosts that are not this machine (ssh, docker), made only through
 * the host's Transport. A git source is sent as a git bundle into a bare cache
 * repo on the host (`<fleetDir>/repos/<repo-id>.git`; only commits the cache
 * lacks travel), and the agent gets a worktree of it on its branch, which is
 * made from the source's HEAD unless the source (or the cache) already has it.
 * A plain dir is sent as a tar archive; no source means an empty dir. Whatever
 * is already there is reused.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { spawn } from "node:child_process";
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";
import type { AgentSpec, WorkdirSpec } from "../model.ts";
import { runScript } from "./handle.ts";
import { commitOf, knownCommits, lastLine, localGit, repoOf } from "./local-git.ts";
import { sections } from "./script-output.ts";

/** The cache repo of a source repo on a host: named after it, unique per controller path. */
export function repoCacheName(top: string): string {
  const base =
    basename(top)
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 40) || "repo";
  const hash = createHash("sha256").update(top).digest("hex").slice(0, 12);
  return `${base}-${hash}.git`;
}

export const repoCachePath = (fleetDir: string, top: string): string =>
  `${fleetDir.replace(/\/+$/, "")}/repos/${repoCacheName(top)}`;

/**
 * The newest commit of a branch's line that this machine (the controller) is known
 * to have: what was sent to start it, then what `fleet pull` brought back or
 * `fleet push` sent. A remote-tracking ref, so that commits not under it are
 * exactly the work that exists only on the host (what destroy saves).
 */
export const controllerRef = (branch: string): string => `refs/remotes/controller/${branch}`;

export async function prepareRemoteWorkdir(
  transport: Transport,
  spec: AgentSpec,
  agentDir: string,
  _env: FleetEnv,
): Promise<string> {
  const work = `${agentDir}/work`;
  // No source: an empty dir, which the launch script makes (one round trip fewer).
  if (!spec.workdir) return work;
  const repo = await repoOf(spec.workdir.from);
  if (repo) return prepareGitWorkdir(transport, spec.name, spec.workdir, repo, work);
  const info = await stat(spec.workdir.from).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new FleetError(
      "WORKDIR_FAILED",
      `cannot prepare the work dir of agent ${spec.name}: the work dir source ${spec.workdir.from} does not exist`,
      { hint: `check that ${spec.workdir.from} is a readable directory or git repo` },
    );
  }
  return prepareCopiedWorkdir(transport, spec.name, spec.workdir.from, work);
}

async function prepareGitWorkdir(
  transport: Transport,
  name: string,
  workdir: WorkdirSpec,
  repo: { top: string; prefix: string },
  work: string,
): Promise<string> {
  const result = (path: string): string => (repo.prefix === "" ? path : `${path}/${repo.prefix}`);
  const cache = repoCachePath(transport.fleetDir, repo.top);
  // What is there already: a worktree (reuse it), and the commits the cache has.
  const query = await runScript(
    transport,
    `looking at the work dir of agent ${name}`,
    [
      `if [ -e ${q(`${work}/.git`)} ]; then echo @@fleet:exists; exit 0; fi`,
      "echo @@fleet:tips",
      `if [ -d ${q(cache)} ]; then git -C ${q(cache)} for-each-ref --format='%(objectname)' 2>/dev/null; fi`,
      "exit 0",
    ].join("\n"),
  );
  const known = sections(query.stdout);
  if (known.has("exists")) return result(work);

  const branchSha = await commitOf(repo.top, `refs/heads/${workdir.branch}`);
  const source = branchSha === undefined ? "HEAD" : `refs/heads/${workdir.branch}`;
  const sha = branchSha ?? (await commitOf(repo.top, "HEAD"));
  if (sha === undefined) {
    throw new FleetError(
      "WORKDIR_FAILED",
      `cannot prepare the work dir of agent ${name}: the repo ${repo.top} has no commits yet`,
      { hint: "commit something first: the agent's branch starts from HEAD" },
    );
  }
  const exclude = await knownCommits(repo.top, known.get("tips") ?? []);
  const bundle = await createBundle(repo.top, source, exclude);

  const ref = controllerRef(workdir.branch);
  const script = [
    `cache=${q(cache)} work=${q(work)} branch=${q(workdir.branch)} incoming=${q(ref)}`,
    'fail() { echo "@@fleet:error $*"; exit 1; }',
    'if [ -e "$work/.git" ]; then echo @@fleet:path; exit 0; fi',
    'mkdir -p "${cache%/*}" || fail "cannot create ${cache%/*}"',
    // Agents from one repo are prepared in parallel: one at a time in its cache.
    'exec 9>>"$cache.lock" && flock -x 9 || fail "cannot lock $cache"',
    'if [ -e "$work/.git" ]; then echo @@fleet:path; exit 0; fi',
    '[ -d "$cache" ] || git init -q --bare "$cache" >&2 || fail "cannot create the repo cache $cache"',
    ...(bundle
      ? [
          'tmp="$cache/incoming-$$.bundle"',
          'cat > "$tmp" || fail "cannot write $tmp"',
          `git -C "$cache" fetch -q "$tmp" ${q(`+${source}:${ref}`)} >&2 || { rm -f "$tmp"; fail "cannot unpack the project into $cache"; }`,
          'rm -f "$tmp"',
        ]
      : [
          `git -C "$cache" update-ref "$incoming" ${sha} || fail "the repo cache $cache lacks commit ${sha}"`,
        ]),
    'if git -C "$cache" show-ref --verify --quiet "refs/heads/$branch"; then',
    ...(branchSha === undefined
      ? ["  : # the host kept the branch (an earlier agent's): work goes on from there"]
      : [
          '  if git -C "$cache" merge-base --is-ancestor "refs/heads/$branch" "$incoming"; then',
          '    git -C "$cache" update-ref "refs/heads/$branch" "$incoming" || fail "cannot update branch $branch"',
          '  elif ! git -C "$cache" merge-base --is-ancestor "$incoming" "refs/heads/$branch"; then',
          '    fail "branch $branch on the host has diverged from yours"',
          "  fi",
        ]),
    "else",
    '  git -C "$cache" update-ref "refs/heads/$branch" "$incoming" || fail "cannot create branch $branch"',
    "fi",
    'git -C "$cache" worktree prune >&2',
    'if [ -e "$work" ]; then rmdir "$work" 2>/dev/null || fail "$work exists and is not a git worktree"; fi',
    'mkdir -p "${work%/*}" || fail "cannot create ${work%/*}"',
    'git -C "$cache" worktree add -q "$work" "$branch" >&2 || fail "git worktree add failed for branch $branch"',
    "echo @@fleet:path",
  ].join("\n");
  const made = await transport.script(script, bundle ? { input: bundle } : {});
  if (made.code !== 0) {
    const expected = /^@@fleet:error (.*)$/m.exec(made.stdout)?.[1];
    const gitSays = lastLine(made.stderr);
    throw new FleetError(
      "WORKDIR_FAILED",
      `cannot prepare the work dir of agent ${name}: ${expected ?? gitSays}${expected && gitSays ? ` (${gitSays})` : ""}`,
      {
        hint: /already (checked out|used by worktree)/.test(made.stderr)
          ? `branch ${workdir.branch} is checked out by another agent on that host; give this agent another branch`
          : /diverged/.test(made.stdout)
            ? `bring the two together first (\`fleet pull\` the agent that had it), or delete the branch on one side`
            : "see the message above; running `fleet apply` again retries",
      },
    );
  }
  return result(work);
}

/** A bundle of `ref` without what the host has; undefined when the host has it all. */
async function createBundle(
  top: string,
  ref: string,
  exclude: readonly string[],
): Promise<Buffer | undefined> {
  const args = [
    "bundle",
    "create",
    "-q",
    "-",
    ref,
    ...(exclude.length > 0 ? ["--not", ...exclude] : []),
  ];
  const bundle = await localGit(top, args);
  if (bundle.code === 0) return bundle.stdoutBytes;
  if (/empty bundle/i.test(bundle.stderr)) return undefined;
  throw new FleetError("WORKDIR_FAILED", `cannot bundle ${top}: ${lastLine(bundle.stderr)}`, {
    fault: "system",
  });
}

async function prepareCopiedWorkdir(
  transport: Transport,
  name: string,
  from: string,
  work: string,
): Promise<string> {
  const query = await runScript(
    transport,
    `looking at the work dir of agent ${name}`,
    `if [ -e ${q(work)} ]; then echo @@fleet:exists; fi; exit 0`,
  );
  if (sections(query.stdout).has("exists")) return work;
  const archive = await tarOf(from);
  const partial = `${work}.partial`;
  await runScript(
    transport,
    `copying ${from} to the work dir of agent ${name}`,
    [
      `rm -rf ${q(partial)} && mkdir -p ${q(partial)} || exit 1`,
      `tar -xzf - -C ${q(partial)} || { echo "@@fleet:error cannot unpack the copy of ${from}"; exit 1; }`,
      // tar gives the top dir the source's mode: the work dir is the agent's alone.
      `chmod 700 ${q(partial)} && mv ${q(partial)} ${q(work)}`,
    ].join("\n"),
    { input: archive },
  );
  return work;
}

function tarOf(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", ["-czf", "-", "-C", dir, "."], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new FleetError("WORKDIR_FAILED", `cannot archive ${dir}: ${lastLine(err)}`, {
            fault: "system",
          }),
        );
    });
  });
}
