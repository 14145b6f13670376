/** Notifications: the API `fleet reconcile`, `fleet notify`, `fleet handoff` and `fleet ui` use. */
export {
  createNotifier,
  type ChannelOutcome,
  type EmitReport,
  type Notifier,
  type NotifierOptions,
  type RuleLookup,
} from "./notifier.ts";
export {
  deriveEvents,
  handoffEvent,
  observed,
  stoppedEvent,
  type NotifyEvent,
  type ObservedAgent,
} from "./events.ts";
export { messageOf, type NotifyMessage } from "./message-text.ts";
export { allRules, loadNotifyDesired, notifyFleetFile, rulesOf } from "./fleet-rules.ts";
export { DESKTOP_RULE, notifyRule } from "./rule.ts";
export { redactUrl } from "./webhook.ts";
export { sendTestNotifications, type TestOutcome } from "./test-send.ts";
export { notifyReconciled } from "./reconcile-notify.ts";
