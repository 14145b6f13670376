/**
 * One GET of the Engine API over a plain socket, for the one request every
 * listing makes (find-hosts.ts). The full client (engine-client.ts) loads
 * node:http and some 700 lines first, which cost `fleet list` more than the
 * request itself; HTTP/1.0 with `Connection: close` needs neither: the engine
 * answers with a plain body and closes.
 */
import { createConnection } from "node:net";

/** Bigger answers are refused: a listing of fleet's own containers is a few KiB. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * The parsed JSON body of a 200 answer to `GET path`; undefined when nothing
 * answers on the socket, the answer is not a 200 with JSON, or none comes in
 * `timeoutMs`. Never rejects: its callers find nothing rather than fail.
 */
export function engineGetJson(
  socketPath: string,
  path: string,
  timeoutMs = 10_000,
): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.destroy();
      resolve(value);
    };
    const connection = createConnection(socketPath);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    connection.once("connect", () => {
      connection.end(`GET ${path} HTTP/1.0\r\nHost: docker\r\nConnection: close\r\n\r\n`);
    });
    connection.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) finish(undefined);
      else chunks.push(chunk);
    });
    connection.once("error", () => finish(undefined));
    connection.once("end", () => finish(parseResponse(Buffer.concat(chunks))));
  });
}

function parseResponse(response: Buffer): unknown {
  const headerEnd = response.indexOf("\r\n\r\n");
  if (headerEnd < 0) return undefined;
  const head = response.subarray(0, headerEnd).toString("latin1").split("\r\n");
  if (!/^HTTP\/1\.[01] 200 /.test(head[0] ?? "")) return undefined;
  const chunked = head.some((line) => /^transfer-encoding:\s*chunked\s*$/i.test(line));
  const body = response.subarray(headerEnd + 4);
  try {
    return JSON.parse((chunked ? dechunk(body) : body).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** A chunked body's data (an HTTP/1.0 answer should not be chunked; this is in case). */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) throw new Error("truncated chunk");
    const length = Number.parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isInteger(length) || length < 0) throw new Error("bad chunk size");
    if (length === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + length > body.length) throw new Error("truncated chunk");
    parts.push(body.subarray(start, start + length));
    at = start + length + 2;
  }
}
