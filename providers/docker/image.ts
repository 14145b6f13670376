/**
 * The image a host container runs: `snapshot:` (an image `fleet snapshot` made),
 * else `build:` (built here from a Dockerfile), else `image:`. Nothing is ever
 * pulled. Before a container is made, the image is checked for what fleet needs
 * inside (a shell, tmux, git, flock) in a throwaway container, so a wrong image
 * fails with what is missing and nothing is left behind. Checks are remembered
 * per image id (ids are content hashes) in memory and under FLEET_HOME/cache.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import type { EngineClient } from "./engine-client.ts";
import { hostConfigOf } from "./host-config.ts";
import { buildReference, LABELS } from "./names.ts";
import { mkdirPrivate, writePrivateFile } from "../../src/core/private-files.ts";

export const REQUIRED_TOOLS = ["tmux", "git", "flock"] as const;

export interface ImageFacts {
  /** What to create the container from: the image id. */
  id: string;
  /** How the user named it (tag or id). */
  reference: string;
}

const checked = new Map<string, Promise<{ missing: string[] }>>();

/** Finds (or builds) the host's image and checks it; throws before anything is created. */
export async function prepareImage(
  client: EngineClient,
  host: HostSpec,
  options: { container: string; env: FleetEnv },
): Promise<ImageFacts> {
  const config = hostConfigOf(host);
  let reference: string;
  let id: string;
  if (config.snapshot !== undefined || config.build === undefined) {
    reference = config.snapshot ?? config.image ?? "";
    const image = await client.inspectImage(reference);
    if (image === null) throw imageMissing(host.name, reference, config.snapshot !== undefined);
    id = image.Id;
  } else {
    reference = buildReference(options.container);
    const { context, dockerfile } = config.build;
    const archive = await tarOf(context);
    const built = await client.buildImage(archive, {
      tag: reference,
      dockerfile: relative(context, dockerfile),
      labels: { [LABELS.host]: host.name },
    });
    id = built.imageId;
  }
  const { missing } = await checkTools(client, id, options.env);
  if (missing.length > 0) throw toolsMissing(host.name, reference, missing);
  return { id, reference };
}

function checkTools(
  client: EngineClient,
  id: string,
  env: FleetEnv,
): Promise<{ missing: string[] }> {
  let pending = checked.get(id);
  if (pending === undefined) {
    pending = cachedCheck(client, id, env);
    checked.set(id, pending);
    pending.catch(() => checked.delete(id));
  }
  return pending;
}

async function cachedCheck(
  client: EngineClient,
  id: string,
  env: FleetEnv,
): Promise<{ missing: string[] }> {
  const file = join(env.home, "cache", "docker-images", `${id.replace(/^sha256:/, "")}.json`);
  try {
    const cached = JSON.parse(await readFile(file, "utf8")) as { missing?: unknown };
    if (Array.isArray(cached.missing)) return { missing: cached.missing.map(String) };
  } catch {
    // Not checked from this controller yet.
  }
  const result = await runCheck(client, id);
  await mkdirPrivate(join(file, ".."))
    .then(() => writePrivateFile(file, JSON.stringify(result) + "\n"))
    .catch(() => undefined);
  return result;
}

/**
 * Runs `command -v` for each tool in a throwaway container, then removes it. The
 * image may come from a tampered host (a snapshot): the check runs its files, so
 * it gets no network, no capability and few pids, like a host.
 */
async function runCheck(client: EngineClient, id: string): Promise<{ missing: string[] }> {
  const name = `fleet-image-check-${randomBytes(6).toString("hex")}`;
  const containerId = await client.createContainer(name, {
    Image: id,
    Entrypoint: ["/bin/sh", "-c", "sleep 120"],
    Cmd: [],
    Labels: { [LABELS.imageCheck]: "1" },
    Healthcheck: { Test: ["NONE"] },
    HostConfig: {
      NetworkMode: "none",
      Init: true,
      LogConfig: { Type: "none" },
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      PidsLimit: 64,
    },
  });
  try {
    try {
      await client.startContainer(containerId);
    } catch (error) {
      if (/no such file|not found/i.test((error as Error).message)) {
        return { missing: ["/bin/sh", ...REQUIRED_TOOLS] };
      }
      throw error;
    }
    const result = await client.exec(containerId, [
      "/bin/sh",
      "-c",
      `for t in ${REQUIRED_TOOLS.join(" ")}; do command -v "$t" >/dev/null 2>&1 || echo "missing $t"; done`,
    ]);
    const lines = result.stdout.split("\n");
    return { missing: lines.filter((l) => l.startsWith("missing ")).map((l) => l.slice(8)) };
  } finally {
    await client.removeContainer(containerId, { force: true }).catch(() => undefined);
  }
}

function imageMissing(host: string, reference: string, snapshot: boolean): FleetError {
  return new FleetError(
    "IMAGE_MISSING",
    `host ${host}: ${snapshot ? "snapshot" : "image"} "${reference}" is not on this machine's Docker engine`,
    {
      hint: snapshot
        ? "`fleet snapshot AGENT` prints the snapshot's tag; `docker images fleet-snapshot/*` lists them"
        : "fleet never pulls images: build or load it first (`docker build -t NAME .`, `docker load`), or set `build: { context, dockerfile }` on the host; for tests, scripts/build-base-image.sh makes fleet/base:bookworm",
      details: { host, image: reference },
    },
  );
}

function toolsMissing(host: string, reference: string, missing: string[]): FleetError {
  return new FleetError(
    "IMAGE_UNSUITABLE",
    `host ${host}: image "${reference}" lacks ${missing.join(", ")}, which fleet needs inside the container; nothing was created`,
    {
      hint: `install them in the image (Debian: RUN apt-get install -y tmux git util-linux), or start from fleet/base:bookworm (scripts/build-base-image.sh)`,
      details: { host, image: reference, missing },
    },
  );
}

/** The build context as a tar archive, made by the system tar (symlinks, modes and all). */
function tarOf(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", ["-cf", "-", "-C", dir, "."], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", (error) =>
      reject(
        new FleetError("BUILD_FAILED", `cannot archive the build context ${dir}: ${error.message}`),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new FleetError(
            "BUILD_FAILED",
            `cannot archive the build context ${dir}: ${err.trim() || `tar exited ${code ?? "?"}`}`,
            { hint: "check that the build context is a readable directory" },
          ),
        );
    });
  });
}
