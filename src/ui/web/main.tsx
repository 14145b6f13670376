/**
 * fleet ui's page: one live connection to the server (server-sent events) for
 * the list and notifications, and hash routes for the list, one agent, and the
 * fleet file's plan. A share link's page shows its one agent only.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { AgentList } from "./agent-list.tsx";
import { AgentPage } from "./agent-page.tsx";
import { api, openLive, type PageNotification, type Session, type Snapshot } from "./api.ts";
import { askForNotifications, notificationsSupported, showNotification } from "./browser-notify.ts";
import { type Filters, NO_FILTERS } from "./filters.ts";
import { PlanPage } from "./plan-page.tsx";
import "./styles.css";

type Route = { page: "list" } | { page: "plan" } | { page: "agent"; host: string; name: string };

function routeOf(hash: string): Route {
  const agent = /^#\/agent\/([^/]+)\/([^/]+)$/.exec(hash);
  if (agent)
    return {
      page: "agent",
      host: decodeURIComponent(agent[1] ?? ""),
      name: decodeURIComponent(agent[2] ?? ""),
    };
  if (hash === "#/plan") return { page: "plan" };
  return { page: "list" };
}

function useRoute(): Route {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [connection, setConnection] = useState<"live" | "reconnecting" | "closed">("reconnecting");
  const [toasts, setToasts] = useState<PageNotification[]>([]);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [permission, setPermission] = useState(
    notificationsSupported() ? Notification.permission : "denied",
  );
  const route = useRoute();

  useEffect(() => {
    api<Session>("GET", "/api/session").then(setSession, () => setConnection("closed"));
    return openLive({
      onSnapshot: setSnapshot,
      onConnection: setConnection,
      onNotification: (n) => {
        showNotification(n);
        setToasts((list) => [n, ...list].slice(0, 5));
      },
    });
  }, []);

  if (session === undefined) {
    return (
      <p class="muted pad">
        {connection === "closed" ? "This link no longer works." : "Connecting..."}
      </p>
    );
  }
  const shared = session.kind === "share" ? session : undefined;
  const shownRoute: Route = shared
    ? { page: "agent", host: shared.agent.host, name: shared.agent.name }
    : route;
  const agents = snapshot?.agents ?? [];
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          fleet
        </a>
        {shared ? (
          <span class="muted">shared with you{shared.readOnly ? " · watch only" : ""}</span>
        ) : (
          <nav>
            <a href="#/" class={shownRoute.page === "list" ? "current" : ""}>
              Agents
            </a>
            <a href="#/plan" class={shownRoute.page === "plan" ? "current" : ""}>
              Plan
            </a>
          </nav>
        )}
        <span class={`live ${connection}`} title={`updates: ${connection}`}>
          {connection === "live" ? "live" : connection === "closed" ? "disconnected" : "connecting"}
        </span>
        {permission === "default" ? (
          <button
            id="enable-notifications"
            onClick={() => void askForNotifications().then(setPermission)}
          >
            Notify me
          </button>
        ) : null}
      </header>
      {connection === "closed" && shared ? (
        <p class="error pad">This link no longer works.</p>
      ) : null}
      <main>
        {shownRoute.page === "list" ? (
          <AgentList
            agents={agents}
            problems={snapshot?.problems ?? []}
            filters={filters}
            onFilters={setFilters}
          />
        ) : shownRoute.page === "plan" && session.kind === "owner" ? (
          <PlanPage fleetFile={session.fleetFile} />
        ) : shownRoute.page === "agent" ? (
          <AgentPage
            key={`${shownRoute.host}/${shownRoute.name}`}
            host={shownRoute.host}
            name={shownRoute.name}
            agent={agents.find((a) => a.host === shownRoute.host && a.name === shownRoute.name)}
            session={session}
          />
        ) : null}
      </main>
      <aside class="toasts" aria-live="polite">
        {toasts.map((t) => (
          <a
            class={`toast ${t.kind}`}
            key={`${t.at}/${t.host}/${t.agent}/${t.kind}`}
            href={`#/agent/${encodeURIComponent(t.host)}/${encodeURIComponent(t.agent)}`}
          >
            <strong>{t.title}</strong> {t.body}
          </a>
        ))}
      </aside>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
