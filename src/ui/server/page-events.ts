/**
 * Events pushed to the open pages besides the list: notifications (an agent
 * waits, finished, failed, was stopped by reconcile, was handed over). A page
 * opened by a share link is told only of its own agent.
 */
export interface PageNotification {
  /** waiting, finished, failed, stopped, handoff. */
  kind: string;
  host: string;
  agent: string;
  title: string;
  body: string;
  at: string;
}

export type PageEventListener = (notification: PageNotification) => void;

export class PageEvents {
  private readonly listeners = new Set<PageEventListener>();

  subscribe(listener: PageEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(notification: PageNotification): void {
    for (const listener of this.listeners) listener(notification);
  }
}
