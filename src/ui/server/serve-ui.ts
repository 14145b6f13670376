/**
 * `fleet ui`'s server: the routes (ui-app.ts) on 127.0.0.1 (elsewhere only when
 * asked), terminals over WebSocket, the live list, share links cut when revoked,
 * and FLEET_HOME/ui/server.json so that `fleet share` can print a link to this
 * server. Loaded only by `fleet ui`.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createAdaptorServer } from "@hono/node-server";
import { WebSocketServer } from "ws";
import type { FleetEnv } from "../../core/env.ts";
import { FleetError } from "../../core/errors.ts";
import { silentIoHost } from "../../core/io.ts";
import type { LiveAgent } from "../../core/model.ts";
import { PlanStore } from "../../core/plan/plan-store.ts";
import { sweepShares } from "../../core/share/share-store.ts";
import { LiveFeed } from "./live-feed.ts";
import type { Notifier } from "../../core/notify/index.ts";
import { PageEvents } from "./page-events.ts";
import { readServerInfo, removeServerInfo, writeServerInfo } from "./server-info.ts";
import { SessionTracker } from "./session-tracker.ts";
import { ShareCache } from "./share-cache.ts";
import { type TerminalConnector, terminalUpgrade } from "./terminal-upgrade.ts";
import { uiApp } from "./ui-app.ts";
import { loadAssets } from "./ui-assets.ts";
import type { AuthConfig } from "./ui-auth.ts";
import type { UiDeps } from "./ui-deps.ts";

export interface ServeUiOptions {
  env: FleetEnv;
  processEnv: NodeJS.ProcessEnv;
  port: number;
  listen: string;
  fleetFile: string | undefined;
  cwd: string;
  /** How often the hosts are read for the live list. */
  intervalMs: number;
  log: UiDeps["log"];
  /** Each round's live agents (for the notifier). */
  onRound?: (agents: readonly LiveAgent[]) => Promise<void> | void;
  /** Sends the handoffs made from the page by the fleet file's rules. */
  notifier?: Notifier;
  /** Makes the terminal hub; loaded lazily by the caller. */
  terminals?: (deps: UiDeps) => TerminalConnector;
}

export interface UiServer {
  /** The page's address with the owner's token. */
  url: string;
  port: number;
  deps: UiDeps;
  close(): Promise<void>;
}

export async function serveUi(options: ServeUiOptions): Promise<UiServer> {
  await refuseSecondServer(options.env);
  const assets = loadAssets();
  const token = randomBytes(32).toString("base64url");
  const events = new PageEvents();
  let lastAgents: readonly LiveAgent[] = [];
  const shares = new ShareCache(
    options.env,
    (host, name) => lastAgents.find((a) => a.host === host && a.name === name)?.createdAt,
  );
  const auth: AuthConfig = {
    token,
    port: options.port,
    listen: options.listen,
    findShare: (given) => shares.find(given),
    sharesChanged: () => shares.changed(),
  };
  const sessions = new SessionTracker(() => shares.good());
  const feed = new LiveFeed(
    { env: options.env, io: silentIoHost },
    {
      intervalMs: options.intervalMs,
      onRound: async (agents) => {
        lastAgents = agents;
        await options.onRound?.(agents);
      },
      onError: (message) => options.log("warn", `reading the hosts failed: ${message}`),
    },
  );
  const deps: UiDeps = {
    env: options.env,
    processEnv: options.processEnv,
    auth,
    feed,
    plans: new PlanStore(options.env, {
      dir: "ui/plans",
      hint: "show the plan again on the page, then apply the new one",
    }),
    fleetFile: options.fleetFile,
    cwd: options.cwd,
    sessions,
    events,
    log: options.log,
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
  };
  const app = uiApp(deps, assets);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: options.listen });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const terminals = options.terminals?.(deps);
  const upgrade = terminalUpgrade(deps, sockets, terminals);
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    upgrade(request, socket, head),
  );

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new FleetError(
          "UI_LISTEN",
          `cannot listen on ${options.listen}:${options.port}: ${error.code ?? error.message}`,
          {
            hint:
              error.code === "EADDRINUSE"
                ? "another server has that port: pick one with --port (0 for any free one)"
                : undefined,
            fault: "system",
          },
        ),
      ),
    );
    server.listen(options.port, options.listen, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
  auth.port = port;
  feed.start();
  sessions.start();
  await sweepShares(options.env).catch(() => undefined);
  const shown = options.listen.includes(":") ? `[${options.listen}]` : options.listen;
  const base = `http://${shown === "0.0.0.0" || shown === "[::]" ? "127.0.0.1" : shown}:${port}`;
  await writeServerInfo(options.env, { pid: process.pid, port, listen: options.listen, base });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await removeServerInfo(options.env, process.pid);
      sessions.stop();
      await feed.stop();
      await terminals?.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    })());

  return { url: `${base}/?token=${token}`, port, deps, close };
}

/**
 * One dashboard per controller: a second one would take over server.json, so
 * `fleet share` would print links to whichever started last.
 */
async function refuseSecondServer(env: FleetEnv): Promise<void> {
  const running = await readServerInfo(env);
  if (running === undefined || running.pid === process.pid) return;
  throw new FleetError(
    "UI_RUNNING",
    `fleet ui already runs for this FLEET_HOME, at ${running.base} (pid ${running.pid})`,
    {
      hint: `use its link (printed when it started), or stop it (kill ${running.pid}) and start again`,
    },
  );
}
