/**
 * The event stream read here as well as by the page, to tell the server's share
 * of a change's latency from the page's.
 */
import { request } from "node:http";
import { sleep, wallNow } from "./clock.ts";
import type { Ui } from "./ui-process.ts";

/** A bare reader of /api/events: when each row's state change was received here. */
export class FeedReader {
  private readonly log: { id: string; state: string; at: number }[] = [];
  private readonly states = new Map<string, string>();
  private readonly request: ReturnType<typeof request>;
  events = 0;
  /** The last `agents` event as sent (its SSE lines). */
  lastEvent = "";

  constructor(ui: Ui) {
    this.request = request(
      `${ui.base}/api/events`,
      { headers: { authorization: `Bearer ${ui.token}` } },
      (response) => {
        response.setEncoding("utf8");
        let buffer = "";
        response.on("data", (chunk: string) => {
          const now = wallNow();
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            this.block(buffer.slice(0, end), now);
            buffer = buffer.slice(end + 2);
          }
        });
      },
    );
    this.request.on("error", () => undefined);
    this.request.end();
  }

  private block(text: string, now: number): void {
    const lines = text.split("\n");
    if (!lines.includes("event: agents")) return;
    const data = lines
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    this.events++;
    this.lastEvent = `${text}\n\n`;
    const snapshot = JSON.parse(data) as { agents: { id: string; state: string }[] };
    for (const { id, state } of snapshot.agents) {
      if (this.states.get(id) === state) continue;
      this.states.set(id, state);
      this.log.push({ id, state, at: now });
    }
  }

  async saw(id: string, state: string, since: number): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const hit = this.log.find((e) => e.id === id && e.state === state && e.at > since);
      if (hit !== undefined) return hit.at;
      if (Date.now() > deadline) throw new Error(`the event stream never had ${id} ${state}`);
      await sleep(5);
    }
  }

  close(): void {
    this.request.destroy();
  }
}
