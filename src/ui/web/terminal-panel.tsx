/**
 * One agent's live terminal (xterm.js, loaded only when an agent's page opens).
 * Read-only until "Take control"; everyone watching sees who has control.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { agentPath } from "./api.ts";
import type { MountedTerminal, TerminalCallbacks } from "./terminal-view.ts";

type ControlState = Parameters<TerminalCallbacks["onControl"]>[0];

export function TerminalPanel(props: { host: string; name: string; mayControl: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const handle = useRef<MountedTerminal | undefined>(undefined);
  const [control, setControl] = useState<ControlState | undefined>();
  const [ended, setEnded] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let disposed = false;
    setEnded(undefined);
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${agentPath(props, "terminal")}`;
    void import("./terminal-view.ts").then(({ mountTerminal }) => {
      if (disposed || box.current === null) return;
      handle.current = mountTerminal(box.current, url, {
        onControl: setControl,
        onEnded: setEnded,
        onError: (message) => {
          // A notice (keys while read-only, control held elsewhere), not a state: it goes.
          setError(message);
          setTimeout(() => setError(undefined), 3000);
        },
      });
    });
    return () => {
      disposed = true;
      handle.current?.dispose();
      handle.current = undefined;
    };
  }, [props.host, props.name]);

  const mine = control?.holding === true;
  const holder = control?.holder;
  return (
    <section class="terminal-panel">
      <div class="terminal-bar">
        <span class="control-state" data-mine={mine ? "yes" : "no"}>
          {holder ? (mine ? "You have control" : `${holder.name} has control`) : "Read-only"}
          {control ? ` · ${control.watchers} watching` : ""}
        </span>
        {props.mayControl ? (
          mine ? (
            <button id="release-control" onClick={() => handle.current?.release()}>
              Release control
            </button>
          ) : (
            <button id="take-control" onClick={() => handle.current?.take()}>
              Take control
            </button>
          )
        ) : null}
      </div>
      <div class="terminal" ref={box} />
      {ended ? <p class="muted">The terminal ended: {ended}</p> : null}
      {error ? <p class="error terminal-error">{error}</p> : null}
    </section>
  );
}
