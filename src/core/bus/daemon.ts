/**
 * The bus daemon (`fleet bus serve`): one per FLEET_HOME, started on demand by
 * whatever needs it (an agent's launch, `fleet messages`, `fleet mcp`). It owns
 * the mailboxes (their only writer) and listens on a unix socket under
 * FLEET_HOME/bus/run, which docker hosts get mounted and SSH connections
 * forward, so no port is ever opened. A connection starts with one line, its
 * token, then speaks MCP; the token decides who it acts as.
 *
 * One instance: the pid file is made with O_EXCL and taken over only from a
 * process that is gone. It exits by itself once its pid file or socket is no
 * longer its own (FLEET_HOME removed, another daemon took over).
 */
import { createServer, type Socket } from "node:net";
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { processAlive } from "../process-alive.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../private-files.ts";
import { Announcer } from "./announce.ts";
import { BusService, type Caller } from "./bus-service.ts";
import { registerBusTools } from "./bus-tools.ts";
import { isOperatorToken, memberForToken, operatorToken } from "./members.ts";
import {
  busDir,
  daemonPidFile,
  mailboxDir,
  membersDir,
  readySocketDir,
  socketPath,
} from "./paths.ts";
import { SocketTransport } from "./socket-transport.ts";
import { MailboxStore } from "./store.ts";
import { liveStateReader } from "./live-states.ts";
import { retentionFrom } from "./retention.ts";

/** The first line (the token) must come within this long, and be this short. */
const HANDSHAKE_MS = 10_000;
const HANDSHAKE_MAX_BYTES = 512;
const WATCHDOG_MS = 3000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface BusDaemon {
  socket: string;
  service: BusService;
  announcer: Announcer;
  close(): Promise<void>;
  /** Resolves when the daemon has shut down (signal, watchdog or close). */
  closed: Promise<void>;
}

export async function serveBus(
  ctx: ProviderContext,
  options: { spawned?: boolean } = {},
): Promise<BusDaemon> {
  const { env } = ctx;
  // A daemon that fleet started for a FLEET_HOME that has gone meanwhile (a test's
  // sandbox removed as the daemon came up) must not make it again and live on in it.
  if (options.spawned === true && !existsSync(busDir(env))) {
    throw new FleetError("BUS_NO_HOME", `${busDir(env)} is gone: the bus is not started`, {
      fault: "system",
    });
  }
  await mkdirPrivate(mailboxDir(env));
  const homeInode = statSync(env.home).ino;
  await mkdirPrivate(membersDir(env));
  await readySocketDir(env);
  const socket = socketPath(env);
  takePidFile(daemonPidFile(env));
  const { store, skippedLines } = await MailboxStore.open(mailboxDir(env));
  if (skippedLines > 0) {
    ctx.io.notify({
      level: "warn",
      code: "bus.store.skipped",
      message: `skipped ${skippedLines} unreadable line(s) in the mailboxes (a write torn by a crash)`,
    });
  }
  const retention = retentionFrom(process.env);
  const prune = async (): Promise<void> => {
    const result = await store.prune({
      readBefore: new Date(Date.now() - retention.retentionMs).toISOString(),
      maxBytes: retention.maxBytes,
    });
    if (result.dropped > 0) {
      ctx.io.notify({
        level: "info",
        code: "bus.pruned",
        message: `pruned ${result.dropped} message(s) (${result.droppedUnread} unread, over the size cap)`,
      });
    }
  };
  await prune();
  const pruner = setInterval(() => void prune().catch(() => undefined), PRUNE_EVERY_MS);
  pruner.unref();
  const announcer = new Announcer(ctx, store, process.env);
  const service = new BusService(env, store, {
    onStored: (member) => announcer.mailFor(member),
    liveStates: liveStateReader(ctx),
  });
  const operator = await operatorToken(env);
  const connections = new Set<Socket>();

  const server = createServer((connection) => {
    connections.add(connection);
    connection.on("close", () => connections.delete(connection));
    handshake(connection, async (token, rest) => {
      const caller = await identify(service, operator, token);
      if (!caller) {
        ctx.io.notify({
          level: "warn",
          code: "bus.refused",
          message: "refused a connection: unknown token",
        });
        connection.destroy();
        return;
      }
      const { McpServer } = await import("@modelcontextprotocol/sdk/server/mcp.js");
      const mcp = new McpServer(
        { name: "fleet-bus", version: "1" },
        { instructions: busInstructions(caller) },
      );
      registerBusTools(mcp, service, caller);
      await mcp.connect(new SocketTransport(connection, rest));
    });
  });
  try {
    unlinkSync(socket);
  } catch {
    // No stale socket.
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve());
  });
  // Tokens, not file modes, decide who talks here: a container's root (another
  // uid than fleet's, perhaps, and without capabilities) must be able to connect.
  chmodSync(socket, 0o666);
  const socketInode = statSync(socket).ino;

  let finish: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (finish = resolve));
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return closed;
    closing = true;
    clearInterval(watchdog);
    clearInterval(pruner);
    for (const connection of connections) connection.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    releasePidFile(daemonPidFile(env));
    finish();
  };
  const watchdog = setInterval(() => {
    const own =
      ownsPidFile(daemonPidFile(env)) &&
      sameInode(socket, socketInode) &&
      sameInode(env.home, homeInode);
    if (!own) void close();
  }, WATCHDOG_MS);
  watchdog.unref();
  return { socket, service, announcer, close, closed };
}

async function identify(
  service: BusService,
  operator: string,
  token: string,
): Promise<Caller | undefined> {
  if (isOperatorToken(operator, token)) return { kind: "operator" };
  const member =
    memberForToken(await service.currentMembers(), token) ??
    memberForToken(await service.currentMembers(true), token);
  return member ? { kind: "agent", member } : undefined;
}

function busInstructions(caller: Caller): string {
  return caller.kind === "operator"
    ? "fleet's agents' bus, as the operator: message any agent, read the operator's mail."
    : `fleet's agents' bus. You are ${caller.member.name}@${caller.member.host}. Use discover_agents to find the others, send_message to hand work over or to tell the operator you are blocked, get_messages to read your mail and mark_read once handled.`;
}

/** Reads the token line, then hands over the socket with whatever came after it. */
function handshake(connection: Socket, then: (token: string, rest: Buffer) => Promise<void>): void {
  let buffer = Buffer.alloc(0);
  const timer = setTimeout(() => connection.destroy(), HANDSHAKE_MS);
  const onData = (chunk: Buffer): void => {
    buffer = Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf(0x0a);
    if (end === -1) {
      if (buffer.length > HANDSHAKE_MAX_BYTES) connection.destroy();
      return;
    }
    clearTimeout(timer);
    connection.off("data", onData);
    connection.pause();
    const token = buffer.subarray(0, end).toString("utf8").trim();
    then(token, buffer.subarray(end + 1))
      .then(() => connection.resume())
      .catch(() => connection.destroy());
  };
  connection.on("data", onData);
  connection.on("error", () => connection.destroy());
}

function takePidFile(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", PRIVATE_FILE_MODE);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = pidIn(file);
      if (holder !== undefined && isAlive(holder)) {
        throw new FleetError("BUS_RUNNING", `the bus daemon is already running (pid ${holder})`, {
          hint: "`fleet bus status` shows it; `fleet bus stop` stops it",
        });
      }
      unlinkSync(file);
    }
  }
  throw new FleetError("BUS_RUNNING", "another bus daemon is starting at the same time");
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const isAlive = (pid: number): boolean => processAlive(pid);

const ownsPidFile = (file: string): boolean => pidIn(file) === process.pid;

function releasePidFile(file: string): void {
  if (ownsPidFile(file)) unlinkSync(file);
}

function sameInode(path: string, inode: number): boolean {
  try {
    return statSync(path).ino === inode;
  } catch {
    return false;
  }
}

export const daemonPid = pidIn;
