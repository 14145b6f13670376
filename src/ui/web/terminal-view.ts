/// <reference lib="dom" />
/**
 * An agent's live terminal in the dashboard page: an xterm.js terminal fed by
 * the bridge's WebSocket (src/ui/server/terminal). Read-only until this page
 * takes control: keys go to the agent only while it holds control, and only
 * then does the terminal follow the element's size. Otherwise it shows the
 * pane at the pane's own size, as tmux has it.
 *
 * The page must also load `@xterm/xterm/css/xterm.css`.
 */
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import type {
  BridgeMessage,
  ControlState,
  PageMessage,
} from "../server/terminal/terminal-protocol.ts";

export interface TerminalCallbacks {
  /** Who holds control and how many watch; `holding` is true when this page does. */
  onControl(state: ControlState & { holding: boolean }): void;
  /** The terminal is over (the agent exited or stopped, or the connection was lost). */
  onEnded(reason: string): void;
  onError(message: string): void;
}

export interface MountedTerminal {
  take(): void;
  release(): void;
  dispose(): void;
}

/** As the bridge's MAX_INPUT_CHARS, less a margin: a paste goes in several messages. */
const INPUT_CHUNK_CHARS = 8 * 1024;
const RESIZE_DEBOUNCE_MS = 100;
const READ_ONLY_NOTICE_MS = 3000;

export function mountTerminal(
  element: HTMLElement,
  wsUrl: string,
  callbacks: TerminalCallbacks,
): MountedTerminal {
  const term = new Terminal({ scrollback: 1000, cursorBlink: false });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(element);

  const socket = new WebSocket(wsUrl);
  socket.binaryType = "arraybuffer";
  const unsent: string[] = [];
  let holding = false;
  let ended = false;
  let disposed = false;
  let lastNotice = 0;
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;

  const send = (message: PageMessage): void => {
    const text = JSON.stringify(message);
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
    else if (socket.readyState === WebSocket.CONNECTING) unsent.push(text);
  };

  const end = (reason: string): void => {
    if (ended) return;
    ended = true;
    holding = false;
    callbacks.onEnded(reason);
  };

  /** While in control: ask for the size that fills the element; the bridge answers with the pane's. */
  const requestFit = (): void => {
    if (!holding) return;
    const size = fit.proposeDimensions();
    if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows)) return;
    send({ type: "resize", cols: Math.max(2, size.cols), rows: Math.max(2, size.rows) });
  };

  const showScreen = (screen: Extract<BridgeMessage, { type: "screen" }>): void => {
    term.reset();
    term.resize(screen.cols, screen.rows);
    term.write(screen.data.split("\n").join("\r\n"));
    term.write(`\x1b[${screen.cursor.y + 1};${screen.cursor.x + 1}H`);
  };

  const onMessage = (message: BridgeMessage): void => {
    switch (message.type) {
      case "screen":
        showScreen(message);
        return;
      case "size":
        term.resize(message.cols, message.rows);
        return;
      case "control": {
        const wasHolding = holding;
        holding = message.holding;
        callbacks.onControl({ holder: message.holder, watchers: message.watchers, holding });
        if (holding && !wasHolding) {
          requestFit();
          term.focus();
        }
        return;
      }
      case "error":
        callbacks.onError(message.message);
        return;
      case "ended":
        end(message.reason);
        return;
    }
  };

  socket.addEventListener("open", () => {
    for (const text of unsent.splice(0)) socket.send(text);
  });
  socket.addEventListener("message", (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) {
      term.write(new Uint8Array(event.data));
    } else if (typeof event.data === "string") {
      let message: BridgeMessage;
      try {
        message = JSON.parse(event.data) as BridgeMessage;
      } catch {
        return;
      }
      onMessage(message);
    }
  });
  socket.addEventListener("close", () => {
    if (!disposed) end("the connection to the dashboard was lost");
  });

  const typed = term.onData((data) => {
    if (!holding) {
      const now = Date.now();
      if (now - lastNotice > READ_ONLY_NOTICE_MS) {
        lastNotice = now;
        callbacks.onError("read-only: take control to type");
      }
      return;
    }
    for (const chunk of chunks(data, INPUT_CHUNK_CHARS)) send({ type: "input", data: chunk });
  });

  const observer = new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(requestFit, RESIZE_DEBOUNCE_MS);
  });
  observer.observe(element);

  return {
    take: () => send({ type: "take" }),
    release: () => send({ type: "release" }),
    dispose() {
      disposed = true;
      clearTimeout(resizeTimer);
      observer.disconnect();
      typed.dispose();
      socket.close();
      term.dispose();
    },
  };
}

/** Text in pieces of at most `size` UTF-16 units, never splitting a surrogate pair. */
function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
