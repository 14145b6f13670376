/**
 * A small Docker Engine API client over the engine's unix socket (node:http
 * `socketPath`; no dependency). It covers what the docker provider needs:
 * containers, images, networks, archives and exec with stdin.
 *
 * Errors are FleetErrors (see engine-errors.ts): DOCKER_UNAVAILABLE when the socket
 * is absent or refuses, DOCKER_NOT_FOUND / DOCKER_CONFLICT / ... with the Engine's
 * own message for its error responses.
 */
import { DEFAULT_DOCKER_SOCKET, dockerSocketPath } from "./socket-path.ts";
import type * as Http from "node:http";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type { ExecResult } from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";
import {
  dockerUnavailable,
  engineResponseError,
  engineTimeout,
  engineTooOld,
  isEngineNotFound,
} from "./engine-errors.ts";
import type {
  ListFilters,
  EngineVersion,
  ContainerSummary,
  ContainerCreateBody,
  ContainerInspect,
  ImageSummary,
  ImageInspect,
  NetworkCreateBody,
  NetworkInspect,
  BuildImageOptions,
  BuildImageResult,
} from "./engine-types.ts";

/**
 * node:http through require: an ESM import of it evaluates every export, one of
 * them a getter that loads undici (~20 ms of every `fleet list`).
 */
const http = createRequire(import.meta.url)("node:http") as typeof Http;
const httpRequest = http.request;

export type {
  Labels,
  ListFilters,
  EngineVersion,
  ContainerSummary,
  PortBinding,
  HostConfig,
  ContainerCreateBody,
  ContainerInspect,
  ImageSummary,
  ImageInspect,
  NetworkCreateBody,
  NetworkInspect,
  BuildImageOptions,
  BuildImageResult,
} from "./engine-types.ts";

import { MAX_API_VERSION, MIN_API_VERSION } from "./api-version.ts";
export { MAX_API_VERSION, MIN_API_VERSION };
export { DEFAULT_DOCKER_SOCKET, dockerSocketPath };

export interface EngineClientOptions {
  /** Defaults to {@link dockerSocketPath} of the process environment. */
  socketPath?: string;
  /** A fixed API version (e.g. "1.41"); by default it is negotiated once via GET /version. */
  apiVersion?: string;
  /** Per request, unless a method says otherwise. Default 60 s. */
  timeoutMs?: number;
}

export interface EngineExecOptions {
  /** Fed to the command's stdin, which is then closed. Without it stdin is not attached. */
  input?: string | Buffer;
  env?: Record<string, string>;
  workdir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string;
  /** Gives up (rejecting with DOCKER_TIMEOUT) after this long. The process is not killed. */
  timeoutMs?: number;
}

export interface ExecSessionOptions extends Omit<EngineExecOptions, "input"> {
  /** Attach stdin so {@link ExecSession.write} reaches the process. Default true. */
  stdin?: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/** A running exec: write to its stdin, close it, and wait for the exit code. */
export interface ExecSession {
  readonly execId: string;
  write(data: string | Buffer): void;
  /** Half-closes the connection: the process reads end-of-file. */
  closeStdin(): void;
  /** The exit code and all output, once the process has exited. */
  readonly result: Promise<ExecResult>;
  /** Drops the connection; the process sees its stdin close and its output break. */
  abort(): void;
}

interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  raw?: Buffer;
  timeoutMs?: number;
  /** Use the path as given, without the /vX.Y prefix. */
  unversioned?: boolean;
}

interface RawResponse {
  status: number;
  body: Buffer;
}

export class EngineClient {
  readonly socketPath: string;
  private readonly timeoutMs: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private apiPrefix: Promise<string> | undefined;

  constructor(options: EngineClientOptions = {}) {
    this.socketPath = options.socketPath ?? dockerSocketPath();
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (options.apiVersion !== undefined)
      this.apiPrefix = Promise.resolve(`/v${options.apiVersion}`);
  }

  /** Closes idle keep-alive connections. The client stays usable. */
  close(): void {
    this.agent.destroy();
  }

  async ping(): Promise<void> {
    await this.send("GET", "/_ping", { unversioned: true, timeoutMs: 10_000 });
  }

  version(): Promise<EngineVersion> {
    return this.json<EngineVersion>("GET", "/version", { unversioned: true, timeoutMs: 10_000 });
  }

  /** The API version in use ("1.41"), negotiated on first use. */
  async apiVersion(): Promise<string> {
    return (await this.prefix()).slice(2);
  }

  listContainers(
    options: { all?: boolean; filters?: ListFilters } = {},
  ): Promise<ContainerSummary[]> {
    return this.json("GET", "/containers/json", {
      query: { all: options.all ?? false, filters: filtersParam(options.filters) },
    });
  }

  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.json("GET", `/containers/${enc(id)}/json`);
  }

  /** Creates a container named `name`; returns its id. */
  async createContainer(name: string, body: ContainerCreateBody): Promise<string> {
    const created = await this.json<{ Id: string }>("POST", "/containers/create", {
      query: { name },
      body,
    });
    return created.Id;
  }

  /** Starts a container; a running one is left as it is. */
  async startContainer(id: string): Promise<void> {
    await this.send("POST", `/containers/${enc(id)}/start`);
  }

  /** Stops a container (SIGTERM, then SIGKILL after timeoutSeconds); a stopped one is left. */
  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    await this.send("POST", `/containers/${enc(id)}/stop`, {
      query: { t: timeoutSeconds },
      timeoutMs: (timeoutSeconds + 30) * 1000,
    });
  }

  async removeContainer(
    id: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<void> {
    await this.send("DELETE", `/containers/${enc(id)}`, {
      query: { force: options.force ?? false, v: options.volumes ?? false },
    });
  }

  /** The image, or null when there is no such image. */
  async inspectImage(nameOrId: string): Promise<ImageInspect | null> {
    return this.orNull(this.json<ImageInspect>("GET", `/images/${enc(nameOrId)}/json`));
  }

  listImages(filters?: ListFilters): Promise<ImageSummary[]> {
    return this.json("GET", "/images/json", { query: { filters: filtersParam(filters) } });
  }

  async removeImage(nameOrId: string, options: { force?: boolean } = {}): Promise<void> {
    await this.send("DELETE", `/images/${enc(nameOrId)}`, {
      query: { force: options.force ?? false },
    });
  }

  /**
   * Commits a container's filesystem to `repo:tag`; returns the image id.
   * `changes` are Dockerfile instructions (`LABEL a=b`, `CMD ["bash"]`).
   */
  async commitContainer(
    id: string,
    repo: string,
    tag: string,
    options: { comment?: string; changes?: string[]; pause?: boolean } = {},
  ): Promise<string> {
    const committed = await this.json<{ Id: string }>("POST", "/commit", {
      query: {
        container: id,
        repo,
        tag,
        comment: options.comment,
        pause: options.pause ?? true,
        changes: options.changes,
      },
      timeoutMs: Math.max(this.timeoutMs, 300_000),
    });
    return committed.Id;
  }

  /** Creates a network; returns its id. */
  async createNetwork(body: NetworkCreateBody): Promise<string> {
    const created = await this.json<{ Id: string }>("POST", "/networks/create", { body });
    return created.Id;
  }

  async removeNetwork(idOrName: string): Promise<void> {
    await this.send("DELETE", `/networks/${enc(idOrName)}`);
  }

  /** The network, or null when there is no such network. */
  inspectNetwork(idOrName: string): Promise<NetworkInspect | null> {
    return this.orNull(this.json<NetworkInspect>("GET", `/networks/${enc(idOrName)}`));
  }

  /** Connects a container to a network (a running one gets the interface at once). */
  async connectNetwork(network: string, container: string): Promise<void> {
    await this.send("POST", `/networks/${enc(network)}/connect`, {
      body: { Container: container },
    });
  }

  /** Disconnects a container from a network; `force` also when the container is not running. */
  async disconnectNetwork(network: string, container: string, force = false): Promise<void> {
    await this.send("POST", `/networks/${enc(network)}/disconnect`, {
      body: { Container: container, Force: force },
    });
  }

  /**
   * Builds an image from a tar archive of its context (POST /build). The Engine
   * reports build errors inside a successful response: they become BUILD_FAILED
   * with the build's last lines. Nothing is pulled unless the Dockerfile's base is absent.
   */
  async buildImage(context: Buffer, options: BuildImageOptions): Promise<BuildImageResult> {
    const response = await this.send("POST", "/build", {
      query: {
        t: options.tag,
        dockerfile: options.dockerfile ?? "Dockerfile",
        labels: options.labels === undefined ? undefined : JSON.stringify(options.labels),
        rm: true,
        forcerm: true,
      },
      raw: context,
      timeoutMs: options.timeoutMs ?? 600_000,
    });
    const log: string[] = [];
    let imageId: string | undefined;
    for (const line of response.body.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      let event: { stream?: string; error?: string; aux?: { ID?: string } };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        continue;
      }
      if (typeof event.stream === "string") log.push(...event.stream.split("\n").filter(Boolean));
      if (typeof event.aux?.ID === "string") imageId = event.aux.ID;
      if (typeof event.error === "string") throw buildFailed(options.tag, event.error, log);
    }
    if (imageId === undefined) {
      const built = await this.inspectImage(options.tag);
      if (built === null) throw buildFailed(options.tag, "the engine reported no image", log);
      imageId = built.Id;
    }
    return { imageId, log };
  }

  /**
   * Attaches to a running container's main process (stdin, stdout and stderr, no
   * logs) over a hijacked connection. The caller owns the socket: frames as in
   * {@link createStreamDemuxer} (the container has no TTY); destroying the socket
   * detaches. The container must have been created with OpenStdin and not StdinOnce,
   * or detaching closes its stdin.
   */
  async attach(containerId: string, timeoutMs = 10_000): Promise<{ socket: Socket; head: Buffer }> {
    const query = "?stream=1&stdin=1&stdout=1&stderr=1";
    return this.hijack(
      `${await this.prefix()}/containers/${enc(containerId)}/attach${query}`,
      {},
      timeoutMs,
    );
  }

  /** A tar archive of `path` in the container (a file, or a directory with its contents). */
  async getArchive(id: string, path: string): Promise<Buffer> {
    const response = await this.send("GET", `/containers/${enc(id)}/archive`, {
      query: { path },
      timeoutMs: Math.max(this.timeoutMs, 300_000),
    });
    return response.body;
  }

  /** Extracts a tar archive into the directory `path` in the container (which must exist). */
  async putArchive(id: string, path: string, tar: Buffer): Promise<void> {
    await this.send("PUT", `/containers/${enc(id)}/archive`, {
      query: { path },
      raw: tar,
      timeoutMs: Math.max(this.timeoutMs, 300_000),
    });
  }

  /**
   * Runs argv in a running container and collects its output. Never rejects for a
   * non-zero exit: the code is in the result.
   */
  async exec(
    containerId: string,
    argv: string[],
    options: EngineExecOptions = {},
  ): Promise<ExecResult> {
    const { input, ...rest } = options;
    const session = await this.openExec(containerId, argv, { ...rest, stdin: input !== undefined });
    if (input !== undefined) session.write(input);
    session.closeStdin();
    return session.result;
  }

  /**
   * Starts argv in a running container over a hijacked connection (exec create,
   * then exec start with `Upgrade: tcp`), so stdin can be streamed and then closed.
   */
  async openExec(
    containerId: string,
    argv: string[],
    options: ExecSessionOptions = {},
  ): Promise<ExecSession> {
    const timeoutMs = options.timeoutMs;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const attachStdin = options.stdin ?? true;
    const created = await this.json<{ Id: string }>(
      "POST",
      `/containers/${enc(containerId)}/exec`,
      {
        body: {
          AttachStdin: attachStdin,
          AttachStdout: true,
          AttachStderr: true,
          Tty: false,
          Cmd: argv,
          Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
          WorkingDir: options.workdir,
          User: options.user,
        },
        timeoutMs,
      },
    );
    const execId = created.Id;
    const { socket, head } = await this.hijack(
      `${await this.prefix()}/exec/${enc(execId)}/start`,
      { Detach: false, Tty: false },
      timeoutMs ?? this.timeoutMs,
    );

    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const demux = createStreamDemuxer((stream, chunk) => {
      if (stream === 2) {
        stderr.push(chunk);
        options.onStderr?.(chunk);
      } else {
        stdout.push(chunk);
        options.onStdout?.(chunk);
      }
    });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;

    const closed = new Promise<void>((resolve, reject) => {
      socket.on("data", (chunk: Buffer) => demux(chunk));
      // EPIPE when the process exits without reading all its input: the exit code decides.
      socket.on("error", () => undefined);
      socket.on("close", () => {
        if (timer !== undefined) clearTimeout(timer);
        if (timedOut) reject(engineTimeout(`exec ${argv[0] ?? ""}`, timeoutMs ?? 0));
        else resolve();
      });
      if (deadline !== undefined) {
        timer = setTimeout(
          () => {
            timedOut = true;
            socket.destroy();
          },
          Math.max(0, deadline - Date.now()),
        );
      }
    });
    if (head.length > 0) demux(head);

    const result = closed.then(async () =>
      execResult(await this.execExitCode(execId), Buffer.concat(stdout), Buffer.concat(stderr)),
    );
    // Callers that only abort() must not crash the process with an unhandled rejection.
    result.catch(() => undefined);

    return {
      execId,
      write(data) {
        if (!socket.destroyed && socket.writable) socket.write(data);
      },
      closeStdin() {
        if (!socket.destroyed && socket.writable) socket.end();
      },
      result,
      abort() {
        socket.destroy();
      },
    };
  }

  /** The exit code of a finished exec; the Engine may need a moment to record it. */
  private async execExitCode(execId: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const info = await this.json<{ Running: boolean; ExitCode: number | null }>(
        "GET",
        `/exec/${enc(execId)}/json`,
      );
      if (!info.Running && info.ExitCode !== null) return info.ExitCode;
      if (attempt >= 50) {
        throw engineResponseError(500, "GET", `/exec/${execId}/json`, "exec still running");
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 * (attempt + 1), 100)));
    }
  }

  private prefix(): Promise<string> {
    if (this.apiPrefix === undefined) {
      const negotiated = this.version().then((version) => {
        const server = version.ApiVersion;
        if (compareApiVersions(server, MIN_API_VERSION) < 0) {
          throw engineTooOld(server, MIN_API_VERSION);
        }
        return `/v${compareApiVersions(server, MAX_API_VERSION) > 0 ? MAX_API_VERSION : server}`;
      });
      this.apiPrefix = negotiated;
      // A failed negotiation (engine not up yet) is retried by the next call.
      negotiated.catch(() => {
        if (this.apiPrefix === negotiated) this.apiPrefix = undefined;
      });
    }
    return this.apiPrefix;
  }

  private async orNull<T>(pending: Promise<T>): Promise<T | null> {
    try {
      return await pending;
    } catch (err) {
      if (isEngineNotFound(err)) return null;
      throw err;
    }
  }

  private async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (
      response.body.length === 0 ? undefined : JSON.parse(response.body.toString("utf8"))
    ) as T;
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<RawResponse> {
    const fullPath = (options.unversioned === true ? "" : await this.prefix()) + path;
    const query = queryString(options.query);
    const payload =
      options.raw ??
      (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    const headers: Record<string, string | number> = { Host: "docker" };
    if (payload !== undefined) {
      headers["Content-Type"] =
        options.raw === undefined ? "application/json" : "application/x-tar";
      headers["Content-Length"] = payload.length;
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;

    return new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest(
        withoutServerName({
          socketPath: this.socketPath,
          agent: this.agent,
          method,
          path: fullPath + query,
          headers,
        }),
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (err) => reject(dockerUnavailable(this.socketPath, err)));
          res.on("end", () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            const body = Buffer.concat(chunks);
            // 304: already started / already stopped, which is what the caller wanted.
            if (status < 400) resolve({ status, body });
            else reject(engineResponseError(status, method, path, engineMessage(body)));
          });
        },
      );
      const timer = setTimeout(() => {
        // Settle first: whatever error the torn-down request raises next is moot.
        reject(engineTimeout(`${method} ${path}`, timeoutMs));
        req.destroy();
      }, timeoutMs);
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err instanceof FleetError ? err : dockerUnavailable(this.socketPath, err));
      });
      req.end(payload);
    });
  }

  private hijack(
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<{ socket: Socket; head: Buffer }> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        withoutServerName({
          socketPath: this.socketPath,
          // Upgraded connections never go back to a pool.
          agent: false,
          method: "POST",
          path,
          headers: {
            Host: "docker",
            "Content-Type": "application/json",
            "Content-Length": payload.length,
            Connection: "Upgrade",
            Upgrade: "tcp",
          },
        }),
      );
      const timer = setTimeout(() => {
        // Settle first: whatever error the torn-down request raises next is moot.
        reject(engineTimeout(`POST ${path}`, timeoutMs));
        req.destroy();
      }, timeoutMs);
      req.on("upgrade", (_res, socket, head) => {
        clearTimeout(timer);
        resolve({ socket, head });
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const message =
            status < 400
              ? `expected 101 Switching Protocols, got ${status}`
              : engineMessage(Buffer.concat(chunks));
          reject(engineResponseError(status < 400 ? 502 : status, "POST", path, message));
        });
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err instanceof FleetError ? err : dockerUnavailable(this.socketPath, err));
      });
      req.end(payload);
    });
  }
}

/**
 * Splits the Engine's multiplexed stream (Tty false): frames of an 8-byte header
 * (stream: 0 stdin, 1 stdout, 2 stderr; 3 bytes padding; big-endian uint32 size)
 * followed by the payload. Frames may arrive split across chunks.
 */
export function createStreamDemuxer(
  onFrame: (stream: number, payload: Buffer) => void,
): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream = pending[0] ?? 1;
      const payload = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      if (size > 0) onFrame(stream, payload);
    }
  };
}

/**
 * The exec's result. When the runtime could not start the program at all, the Engine
 * writes its complaint to stdout with code 126; it belongs on stderr, and a program
 * that does not exist gets the shell's 127.
 */
function execResult(code: number, stdoutBytes: Buffer, stderrBytes: Buffer): ExecResult {
  const stdout = stdoutBytes.toString("utf8");
  if (code === 126 && stderrBytes.length === 0 && stdout.startsWith("OCI runtime exec failed")) {
    const notFound = /exec: "[^"]*": (executable file not found|stat [^:]*: no such file)/.test(
      stdout,
    );
    return { code: notFound ? 127 : 126, stdout: "", stderr: stdout, stdoutBytes: Buffer.alloc(0) };
  }
  return { code, stdout, stderr: stderrBytes.toString("utf8"), stdoutBytes };
}

/** Compares "1.41"-style API versions numerically. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function filtersParam(filters: ListFilters | undefined): string | undefined {
  if (filters === undefined) return undefined;
  const present = Object.fromEntries(
    Object.entries(filters as Record<string, string[] | undefined>).filter(
      ([, values]) => (values?.length ?? 0) > 0,
    ),
  );
  return Object.keys(present).length === 0 ? undefined : JSON.stringify(present);
}

function queryString(query: RequestOptions["query"]): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

function engineMessage(body: Buffer): string {
  const text = body.toString("utf8");
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return text;
}

/**
 * No TLS here: an empty server name spares the http agent an isIP() of the Host
 * header, whose first call compiles a large regex (~4 ms of every `fleet list`).
 */
function withoutServerName(options: Http.RequestOptions): Http.RequestOptions {
  return Object.assign(options, { servername: "" });
}

function buildFailed(tag: string, message: string, log: string[]): FleetError {
  const tail = log.slice(-10).join("\n");
  return new FleetError("BUILD_FAILED", `building image ${tag} failed: ${message.trim()}`, {
    fault: "user",
    hint:
      "fix the Dockerfile or its context; fleet never pulls from a registry, so the base image " +
      "(FROM) must already exist locally" +
      (tail === "" ? "" : `\nlast lines of the build:\n${tail}`),
    details: { tag },
  });
}
