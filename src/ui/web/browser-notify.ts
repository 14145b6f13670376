/**
 * Browser notifications while the page is open: asked for on a click (browsers
 * allow the question only then), shown for each notification the server pushes.
 */
import type { PageNotification } from "./api.ts";

export const notificationsSupported = (): boolean => "Notification" in window;

export async function askForNotifications(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return "denied";
  return Notification.requestPermission();
}

export function showNotification(n: PageNotification): void {
  if (!notificationsSupported() || Notification.permission !== "granted") return;
  const shown = new Notification(n.title, { body: n.body, tag: `${n.host}/${n.agent}/${n.kind}` });
  shown.onclick = () => {
    window.focus();
    location.hash = `#/agent/${encodeURIComponent(n.host)}/${encodeURIComponent(n.agent)}`;
  };
}
