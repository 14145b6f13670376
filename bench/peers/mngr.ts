/**
 * The peer: mngr (PyPI `imbue-mngr`), installed into a virtual environment outside
 * the repository, and run with its own temporary HOME so nothing reaches the real one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const MNGR_VERSION = "0.3.0";

export function venvDir(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(cache, "fleet-bench", `mngr-${MNGR_VERSION}`);
}

export const mngrBin = (): string => join(venvDir(), "bin", "mngr");

/** mngr 0.3.0 needs Python ≥ 3.12 (0.2.3 and later say Requires-Python >=3.12). */
function findPython(): string {
  const pyenv = join(homedir(), ".pyenv", "versions");
  const fromPyenv = existsSync(pyenv)
    ? readdirSync(pyenv)
        .filter((v) => /^3\.(1[2-9])\./.test(v))
        .map((v) => join(pyenv, v, "bin", "python3"))
    : [];
  const candidates = [process.env.MNGR_PYTHON, "python3.13", "python3.12", "python3", ...fromPyenv];
  for (const python of candidates) {
    if (!python) continue;
    const ok = spawnSync(python, ["-c", "import sys; sys.exit(sys.version_info < (3, 12))"]);
    if (ok.status === 0) return python;
  }
  throw new Error("mngr 0.3.0 needs Python >= 3.12: none found (set MNGR_PYTHON)");
}

function installed(pkg: string, version: string): boolean {
  const pip = join(venvDir(), "bin", "pip");
  if (!existsSync(pip)) return false;
  const show = spawnSync(pip, ["show", pkg], { encoding: "utf8" });
  return show.status === 0 && show.stdout.includes(`Version: ${version}\n`);
}

/**
 * Installs mngr alone (no provider plugin: with imbue-mngr-docker installed, every
 * command looks for a docker engine, and `mngr list` exits 6 when there is none)
 * unless it is there already; needs PyPI.
 */
export function ensureMngr(): void {
  if (installed("imbue-mngr", MNGR_VERSION)) return;
  const dir = venvDir();
  if (!existsSync(join(dir, "bin", "pip"))) {
    mkdirSync(join(dir, ".."), { recursive: true });
    const python = findPython();
    process.stderr.write(`peers: python venv ${dir} (${python})\n`);
    check(spawnSync(python, ["-m", "venv", dir], { stdio: "inherit" }), "python -m venv");
  }
  const spec = `imbue-mngr==${MNGR_VERSION}`;
  process.stderr.write(`peers: pip install ${spec}\n`);
  const pip = join(dir, "bin", "pip");
  check(spawnSync(pip, ["install", "-q", spec], { stdio: "inherit" }), "pip install");
}

function check(result: ReturnType<typeof spawnSync>, what: string): void {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status})`);
}

/**
 * mngr's environment: the bench's (same TMUX_TMPDIR, so the same tmux server as fleet),
 * with its own HOME (mngr keeps everything under ~/.mngr), XDG dirs and session prefix.
 */
export function mngrEnv(base: NodeJS.ProcessEnv, dir: string, prefix: string): NodeJS.ProcessEnv {
  const home = join(dir, "mngr-home");
  for (const sub of ["", ".config", ".cache", ".local/share", ".local/state"]) {
    mkdirSync(join(home, sub), { recursive: true });
  }
  return {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_STATE_HOME: join(home, ".local/state"),
    MNGR_PREFIX: prefix,
    MNGR_HEADLESS: "1",
  };
}

export function mngrVersion(env: NodeJS.ProcessEnv): string {
  const out = spawnSync(mngrBin(), ["--version"], { env, encoding: "utf8" });
  return (out.stdout || out.stderr).trim();
}
