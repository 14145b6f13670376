/**
 * What happens after mail is stored for an agent: a stopped agent is woken (as
 * `fleet message` wakes it, under its host's lock), then, unless its type says
 * not to, a short notice is typed at its prompt ("2 new messages: call
 * get_messages") through fleet's proven delivery, which waits for the agent's
 * turn to end. One run at a time per agent; mail that arrives meanwhile is
 * announced by one more run, never one per message.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import type { HostHandle } from "../host/index.ts";
import { sendMessage } from "../host/index.ts";
import { wakeAgent } from "../idle/wake-host.ts";
import { toFleetError } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { getAgentType, getProvider } from "../registry.ts";
import { discoverLive } from "../state/discover.ts";
import { knownHosts } from "../state/known-hosts.ts";
import { memberAddress, memberGroup, type Member } from "./members.ts";
import type { MailboxStore } from "./store.ts";

/** Mail arriving within this long is announced together. */
const COALESCE_MS = 250;
/** How long a notice may wait for the agent's turn to end. */
const NOTICE_WAIT_MS = 10 * 60 * 1000;

export const noticeText = (unread: number): string =>
  `${unread} new message${unread === 1 ? "" : "s"}: call get_messages`;

export class Announcer {
  private readonly running = new Map<string, { again: boolean }>();
  private readonly ctx: ProviderContext;
  private readonly store: MailboxStore;
  /** Secrets for waking an agent are read from here, as `fleet start` reads them. */
  private readonly secretsEnv: NodeJS.ProcessEnv;

  constructor(ctx: ProviderContext, store: MailboxStore, secretsEnv: NodeJS.ProcessEnv) {
    this.ctx = ctx;
    this.store = store;
    this.secretsEnv = secretsEnv;
  }

  /** Idle when nothing is being announced (tests and shutdown wait for it). */
  get idle(): boolean {
    return this.running.size === 0;
  }

  mailFor(member: Member): void {
    const address = memberAddress(member);
    const run = this.running.get(address);
    if (run) {
      run.again = true;
      return;
    }
    const state = { again: false };
    this.running.set(address, state);
    void (async () => {
      try {
        do {
          state.again = false;
          await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
          await this.announce(member);
        } while (state.again);
      } finally {
        this.running.delete(address);
      }
    })();
  }

  private async announce(member: Member): Promise<void> {
    const address = memberAddress(member);
    try {
      const found = await this.findAgent(member);
      if (!found) return;
      let { agent } = found;
      const { handle } = found;
      if (agent.state === "STOPPED" || agent.state === "MISSING") {
        this.log("bus.wake", `waking ${address} (${agent.state}) for new mail`);
        const release = await handle.provider.lock(handle.host, handle.ctx);
        try {
          agent = await wakeAgent(handle, agent, this.secretsEnv);
        } finally {
          await release();
        }
      }
      const type = await getAgentType(member.type);
      if (type.mailNotice === false) return;
      const unread = this.store.unreadCount(address, memberGroup(member));
      if (unread === 0) return;
      await sendMessage(handle, agent.name, noticeText(unread), { waitMs: NOTICE_WAIT_MS });
    } catch (error) {
      const fleetError = toFleetError(error);
      this.log(
        "bus.announce.failed",
        `announcing mail to ${address}: ${fleetError.code}: ${fleetError.message}`,
      );
    }
  }

  private async findAgent(
    member: Member,
  ): Promise<{ agent: LiveAgent; handle: HostHandle } | undefined> {
    const host = (await knownHosts(this.ctx.env)).find((h) => h.name === member.host);
    if (!host) return undefined;
    const live = await discoverLive([host], this.ctx);
    const agent = live.agents.find((a) => a.name === member.name && a.host === member.host);
    if (!agent || agent.fleet !== member.fleet) return undefined;
    return { agent, handle: { provider: await getProvider(host.provider), host, ctx: this.ctx } };
  }

  private log(code: string, message: string): void {
    this.ctx.io.notify({ level: "info", code, message });
  }
}
