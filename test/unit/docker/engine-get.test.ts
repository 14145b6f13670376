/** The Docker finder's one plain GET: what it accepts from an engine socket, and what it drops. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { engineGetJson } from "../../../providers/docker/engine-get.ts";

const dir = mkdtempSync(join(tmpdir(), "fleet-engine-get-"));
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A socket that answers every request with `answer`, and records the request it got. */
async function engine(
  name: string,
  answer: string | Buffer,
): Promise<{ path: string; requests: string[] }> {
  const path = join(dir, `${name}.sock`);
  const requests: string[] = [];
  const server = createServer((socket) => {
    let request = "";
    socket.on("data", (chunk) => {
      request += chunk.toString("latin1");
      if (!request.includes("\r\n\r\n")) return;
      requests.push(request);
      socket.end(answer);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, requests };
}

const ok = (body: string, headers = ""): string =>
  `HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

test("a 200 with a JSON body is parsed, from a GET of the path as HTTP/1.0", async () => {
  const { path, requests } = await engine("plain", ok('[{"Names":["/a"],"Labels":{"k":"v"}}]'));
  const answer = await engineGetJson(path, "/v1.41/containers/json?all=1");
  assert.deepEqual(answer, [{ Names: ["/a"], Labels: { k: "v" } }]);
  assert.match(requests[0] ?? "", /^GET \/v1\.41\/containers\/json\?all=1 HTTP\/1\.0\r\n/);
});

test("a chunked body is put back together", async () => {
  const body = '[{"Names":["/b"]}]';
  const chunked = `${(8).toString(16)}\r\n${body.slice(0, 8)}\r\n${(body.length - 8).toString(16)}\r\n${body.slice(8)}\r\n0\r\n\r\n`;
  const { path } = await engine("chunked", ok(chunked, "Transfer-Encoding: chunked\r\n"));
  assert.deepEqual(await engineGetJson(path, "/x"), [{ Names: ["/b"] }]);
});

test("an error status, a body that is not JSON or a cut chunk give undefined", async () => {
  const error = await engine("error", 'HTTP/1.0 500 Internal Server Error\r\n\r\n{"message":"no"}');
  assert.equal(await engineGetJson(error.path, "/x"), undefined);
  const garbage = await engine("garbage", ok("not json"));
  assert.equal(await engineGetJson(garbage.path, "/x"), undefined);
  const cut = await engine("cut", ok("ff\r\n[1,2", "Transfer-Encoding: chunked\r\n"));
  assert.equal(await engineGetJson(cut.path, "/x"), undefined);
  const headless = await engine("headless", "HTTP/1.0 200 OK\r\n");
  assert.equal(await engineGetJson(headless.path, "/x"), undefined);
});

test("nothing listening, or no answer in time, gives undefined without throwing", async () => {
  assert.equal(await engineGetJson(join(dir, "absent.sock"), "/x"), undefined);
  const path = join(dir, "silent.sock");
  const server = createServer(() => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const started = Date.now();
  assert.equal(await engineGetJson(path, "/x", 200), undefined);
  assert.ok(Date.now() - started >= 150, "it waited for its timeout");
});
