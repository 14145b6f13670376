/**
 * One agent: its state, its live terminal, a message box (answered once the
 * agent took the message), approve/deny while it asks, stop/start/destroy,
 * sharing it, and its transcript.
 */
import { useState } from "preact/hooks";
import { type AgentView, agentPath, api, RequestFailed, type Session } from "./api.ts";
import { idleWords, labelWords, serviceWords, stateWord, tokenWords } from "./format.ts";
import { TerminalPanel } from "./terminal-panel.tsx";
import { Transcript } from "./transcript.tsx";

const problem = (error: unknown): string =>
  error instanceof RequestFailed
    ? `${error.error.message}${error.error.hint ? ` (${error.error.hint})` : ""}`
    : String(error);

interface Answer {
  lines?: string[];
  notices?: string[];
  url?: string;
}

export function AgentPage(props: {
  agent: AgentView | undefined;
  host: string;
  name: string;
  session: Session;
}) {
  const { agent, session } = props;
  const owner = session.kind === "owner";
  const mayAct = owner || !session.readOnly;
  const [message, setMessage] = useState("");
  const [status, setStatus] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const act = async (action: string, body?: unknown, done?: (a: Answer) => string) => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const answer = await api<Answer>("POST", agentPath(props, action), body);
      setStatus(done ? done(answer) : `${action}: done`);
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };
  const send = async (e: Event) => {
    e.preventDefault();
    if (message.trim() === "") return;
    setStatus("Sending...");
    await act("message", { text: message }, () => {
      setMessage("");
      return "Delivered: the agent took the message.";
    });
  };
  const destroy = () => {
    if (!confirm(`Destroy ${props.name}? Its uncommitted work is saved first.`)) return;
    void act("destroy", undefined, (a) => (a.lines ?? []).join("\n"));
  };

  const handoff = () => {
    const to = prompt(`Hand ${props.name} to whom?`);
    if (to === null || to.trim() === "") return;
    const note = prompt("A note for them (optional)") ?? "";
    void act(
      "handoff",
      { to: to.trim(), ...(note.trim() === "" ? {} : { note }) },
      () => `Handed to ${to.trim()}.`,
    );
  };

  if (agent === undefined) {
    return (
      <section class="agent">
        <h2>{props.name}</h2>
        <p class="muted">Not found on {props.host} (yet). It shows here once fleet sees it.</p>
      </section>
    );
  }
  const running = agent.state === "RUNNING" || agent.state === "WAITING";
  const asking = agent.state === "WAITING" && agent.waitingFor === "approval";
  return (
    <section class="agent" data-agent={agent.id} data-state={agent.state}>
      <header class="agent-head">
        <h2>{agent.name}</h2>
        <span class={`badge ${agent.state.toLowerCase()}`}>{stateWord(agent)}</span>
        <span class="muted">
          {agent.type} on {agent.host}
          {agent.fleet ? ` · fleet ${agent.fleet}` : ""} · idle {idleWords(agent, Date.now())} ·
          tokens {tokenWords(agent)}
        </span>
      </header>
      <p class="chips">
        {[...labelWords(agent.labels), ...serviceWords(agent)].map((l) => (
          <span class="chip" key={l}>
            {l}
          </span>
        ))}
      </p>
      {asking && mayAct ? (
        <div class="approval" role="alert">
          <span>{agent.name} asks for an approval.</span>
          <button
            id="approve"
            class="primary"
            disabled={busy}
            onClick={() => void act("approve", undefined, () => "Approved.")}
          >
            Approve
          </button>
          <button
            id="deny"
            disabled={busy}
            onClick={() => void act("deny", undefined, () => "Denied.")}
          >
            Deny
          </button>
        </div>
      ) : null}
      {running ? (
        <TerminalPanel host={agent.host} name={agent.name} mayControl={mayAct} />
      ) : (
        <p class="muted">No terminal: the agent is {agent.state.toLowerCase()}.</p>
      )}
      {mayAct ? (
        <form class="message" onSubmit={(e) => void send(e)}>
          <textarea
            name="message"
            rows={2}
            placeholder={`Message ${agent.name}`}
            value={message}
            onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)}
          />
          <button id="send-message" class="primary" disabled={busy || message.trim() === ""}>
            Send
          </button>
        </form>
      ) : null}
      {owner ? (
        <div class="actions">
          {running ? (
            <button
              id="stop"
              disabled={busy}
              onClick={() => void act("stop", undefined, () => "Stopped.")}
            >
              Stop
            </button>
          ) : (
            <button
              id="start"
              disabled={busy}
              onClick={() => void act("start", undefined, () => "Started.")}
            >
              Start
            </button>
          )}
          <button id="destroy" class="danger" disabled={busy} onClick={destroy}>
            Destroy
          </button>
          <button id="handoff" disabled={busy} onClick={handoff}>
            Hand off
          </button>
          <button
            id="share"
            disabled={busy}
            onClick={() =>
              void act(
                "share",
                { readOnly: true, expires: "1h" },
                (a) => `Watch-only link for 1h: ${a.url ?? ""}`,
              )
            }
          >
            Share (watch only)
          </button>
        </div>
      ) : null}
      {status ? <pre class="status">{status}</pre> : null}
      {error ? (
        <p class="error" id="action-error" role="alert">
          {error}
        </p>
      ) : null}
      <Transcript host={agent.host} name={agent.name} />
    </section>
  );
}
