/**
 * What the dashboard's routes share: fleet's environment, who may do what, the
 * live list, the plans shown on the page, and the sessions a share link opened.
 */
import type { Context } from "hono";
import type { FleetEnv } from "../../core/env.ts";
import { FleetError, toFleetError } from "../../core/errors.ts";
import type { IoHost, IoMessage } from "../../core/io.ts";
import type { PlanStore } from "../../core/plan/plan-store.ts";
import type { ProviderContext } from "../../core/contracts/provider.ts";
import type { AuthConfig, Principal } from "./ui-auth.ts";
import type { LiveFeed } from "./live-feed.ts";
import type { SessionTracker } from "./session-tracker.ts";
import type { PageEvents } from "./page-events.ts";
import type { Notifier } from "../../core/notify/index.ts";

export interface UiDeps {
  env: FleetEnv;
  /** Where secrets come from when an agent is started from the page. */
  processEnv: NodeJS.ProcessEnv;
  auth: AuthConfig;
  feed: LiveFeed;
  plans: PlanStore;
  /** The fleet file `-f` named, or the directory to look for fleet.yaml / fleet.ts in. */
  fleetFile: string | undefined;
  cwd: string;
  sessions: SessionTracker;
  events: PageEvents;
  /** Sends what the page does that is worth telling (a handoff). */
  notifier?: Notifier;
  /** A line for the terminal `fleet ui` runs in (errors, with --debug more). */
  log: (level: "debug" | "info" | "warn" | "error", line: string) => void;
}

export interface UiVariables {
  principal: Principal;
}

export type UiEnv = { Variables: UiVariables };
export type UiContext = Context<UiEnv>;

/** An IoHost for one request: what the core tells is kept for the answer, never asked. */
export class RequestIo implements IoHost {
  readonly notices: string[] = [];
  private readonly log: UiDeps["log"];
  constructor(log: UiDeps["log"]) {
    this.log = log;
  }
  notify(message: IoMessage): void {
    if (message.level === "progress" || message.level === "debug") return;
    this.notices.push(message.message);
    this.log(message.level === "warn" ? "warn" : "debug", message.message);
  }
  confirm(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

export function requestContext(deps: UiDeps): { ctx: ProviderContext; io: RequestIo } {
  const io = new RequestIo(deps.log);
  return { ctx: { env: deps.env, io }, io };
}

const STATUS: Record<string, 400 | 403 | 404 | 409 | 410> = {
  USAGE: 400,
  FORBIDDEN: 403,
  AGENT_NOT_FOUND: 404,
  UNKNOWN_AGENT: 404,
  CONFIG_NOT_FOUND: 404,
  PLAN_STALE: 409,
  PLAN_USED: 409,
  PLAN_UNKNOWN: 404,
  PLAN_EXPIRED: 410,
};

/** An error as the page shows it: fleet's code, message and hint, never a stack. */
export function errorResponse(c: UiContext, error: unknown): Response {
  const fleetError = toFleetError(error);
  const status = STATUS[fleetError.code] ?? (fleetError.fault === "user" ? 400 : 500);
  return c.json({ error: fleetError.toJSON() }, status);
}

export const forbidden = (what: string): FleetError =>
  new FleetError("FORBIDDEN", `a share link cannot ${what}`, {
    hint: "ask the agent's owner; this link is for one agent only",
  });

/** Refuses a share link: `what` it cannot do. */
export function requireOwner(c: UiContext, what: string): void {
  if (c.get("principal").kind !== "owner") throw forbidden(what);
}

/** A route whose errors become fleet's error answer (errorResponse). */
export const guarded =
  (run: (c: UiContext) => Promise<Response> | Response) =>
  async (c: UiContext): Promise<Response> => {
    try {
      return await run(c);
    } catch (error) {
      return errorResponse(c, error);
    }
  };
