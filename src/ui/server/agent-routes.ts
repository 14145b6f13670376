/**
 * What the page does to one agent, each through the action its CLI command
 * calls: message (answered once delivered, with the agent's proof of it),
 * stop, start, destroy (answered with the work it saved), approve or deny an
 * approval it asks for, hand it to a teammate, and its transcript. An agent is named in the path as
 * HOST/NAME. A share link reaches its own agent only: watch-only links read,
 * links with control may also message and answer approvals.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { destroyNamedAgents } from "../../core/actions/destroy-agent.ts";
import { readAgentTranscript } from "../../core/actions/read-transcript.ts";
import { sendMessageTo, textPayload } from "../../core/actions/send-message.ts";
import { startAgents, stopAgents } from "../../core/actions/start-stop.ts";
import { handoffAgent } from "../../core/actions/handoff-agent.ts";
import { answerApproval } from "../../core/actions/answer-approval.ts";
import { usageError } from "../../core/errors.ts";
import { savedWorkLines } from "../../cli/render/apply-summary.ts";
import { mayReach } from "./ui-auth.ts";
import {
  forbidden,
  guarded,
  requestContext,
  type UiContext,
  type UiDeps,
  type UiEnv,
} from "./ui-deps.ts";

const MESSAGE_WAIT_MS = 10 * 60_000;
const MAX_MESSAGE = 64 * 1024;

const messageBody = z.strictObject({ text: z.string().min(1).max(MAX_MESSAGE) });
const handoffBody = z.strictObject({
  to: z.string().min(1).max(64),
  note: z.string().max(500).optional(),
});
const tailQuery = z.coerce.number().int().min(1).max(10_000).optional();

type Need = "read" | "control" | "owner";

/** The agent the path names, as a ref for the actions, once the caller may act on it. */
function target(c: UiContext, need: Need): string {
  const host = c.req.param("host") ?? "";
  const name = c.req.param("name") ?? "";
  const principal = c.get("principal");
  if (!mayReach(principal, host, name)) throw forbidden("reach another agent");
  if (principal.kind === "share") {
    if (need === "owner") throw forbidden("do that; only the agent's owner can");
    if (need === "control" && principal.share.readOnly) throw forbidden("act: it is watch-only");
  }
  return `${name}@${host}`;
}

async function body(c: UiContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw usageError("the request body must be JSON");
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw usageError(`bad request: ${issue?.path.join(".") || "body"}: ${issue?.message ?? ""}`);
  }
  return result.data;
}

export function agentRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const act = (need: Need, run: (c: UiContext, ref: string) => Promise<Response>) =>
    guarded(async (c) => {
      const response = await run(c, target(c, need));
      deps.feed.refreshSoon();
      return response;
    });

  app.post(
    "/api/agents/:host/:name/message",
    act("control", async (c, ref) => {
      const { text } = parsed(messageBody, await body(c));
      const { ctx, io } = requestContext(deps);
      const sent = await sendMessageTo(ref, textPayload(text), ctx, {
        waitMs: MESSAGE_WAIT_MS,
        waitWords: "10m",
        env: deps.processEnv,
      });
      return c.json({ delivered: true, ...sent, notices: io.notices });
    }),
  );

  for (const answer of ["approve", "deny"] as const) {
    app.post(
      `/api/agents/:host/:name/${answer}`,
      act("control", async (c, ref) => {
        const { ctx, io } = requestContext(deps);
        const sent = await answerApproval(ref, answer, ctx, deps.processEnv);
        return c.json({ answered: answer, ...sent, notices: io.notices });
      }),
    );
  }

  app.post(
    "/api/agents/:host/:name/stop",
    act("owner", async (c, ref) => {
      const { ctx, io } = requestContext(deps);
      const result = await stopAgents([ref], [], ctx, "stopped from fleet ui");
      return c.json({ ...result, notices: io.notices });
    }),
  );

  app.post(
    "/api/agents/:host/:name/start",
    act("owner", async (c, ref) => {
      const { ctx, io } = requestContext(deps);
      const result = await startAgents([ref], [], ctx, deps.processEnv);
      return c.json({ ...result, notices: io.notices });
    }),
  );

  app.post(
    "/api/agents/:host/:name/destroy",
    act("owner", async (c, ref) => {
      const { ctx, io } = requestContext(deps);
      const outcome = await destroyNamedAgents([ref], [], ctx, () => Promise.resolve(true));
      if (outcome.status !== "destroyed") return c.json({ destroyed: [], lines: [] });
      const lines = outcome.destroyed.flatMap((d) => [
        `Destroyed ${d.agent}@${d.host}.`,
        ...savedWorkLines(`${d.agent}@${d.host}`, d.saved),
      ]);
      if (outcome.fileOwned.length > 0) {
        lines.push("Its fleet file makes it again at the next apply unless it is removed there.");
      }
      return c.json({ destroyed: outcome.destroyed, lines, notices: io.notices });
    }),
  );

  app.post(
    "/api/agents/:host/:name/handoff",
    act("owner", async (c, ref) => {
      const { to, note } = parsed(handoffBody, await body(c));
      const { ctx } = requestContext(deps);
      const done = await handoffAgent({
        ctx,
        ref,
        to,
        ...(note === undefined ? {} : { note }),
        ...(deps.notifier === undefined ? {} : { notifier: deps.notifier }),
        env: deps.processEnv,
      });
      return c.json({ from: done.from, to: done.to, at: done.at });
    }),
  );

  app.get(
    "/api/agents/:host/:name/transcript",
    act("read", async (c, ref) => {
      const tail = parsed(tailQuery, c.req.query("tail"));
      const { ctx } = requestContext(deps);
      const read = await readAgentTranscript(ref, ctx, {
        ...(tail === undefined ? {} : { tail }),
        onRecordsUnreadable: () => undefined,
      });
      if (read.source === "records") {
        const turns = tail === undefined ? read.turns : read.turns.slice(-tail);
        return c.json({ source: "records", turns });
      }
      return c.json({ source: "terminal", text: read.transcript });
    }),
  );
}
