/** The agent's transcript: its conversation where its type keeps records, else its terminal's text. */
import { useState } from "preact/hooks";
import { agentPath, api, RequestFailed } from "./api.ts";

interface Turn {
  role: string;
  text?: string;
}

type TranscriptAnswer = { source: "records"; turns: Turn[] } | { source: "terminal"; text: string };

export function Transcript(props: { host: string; name: string }) {
  const [text, setText] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      const answer = await api<TranscriptAnswer>(
        "GET",
        `${agentPath(props, "transcript")}?tail=200`,
      );
      setText(
        answer.source === "terminal"
          ? answer.text
          : answer.turns.map((t) => `${t.role}: ${t.text ?? ""}`).join("\n\n"),
      );
      setError(undefined);
    } catch (e) {
      setError(e instanceof RequestFailed ? e.error.message : String(e));
    }
  };
  return (
    <section class="transcript">
      <button id="show-transcript" onClick={() => void load()}>
        {text === undefined ? "Show transcript" : "Refresh transcript"}
      </button>
      {error ? <p class="error">{error}</p> : null}
      {text !== undefined ? <pre class="transcript-text">{text}</pre> : null}
    </section>
  );
}
