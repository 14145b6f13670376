/**
 * What the bus does for a caller, whoever it is: an agent (named by its token)
 * or the operator. An agent acts only as itself and only within its own fleet:
 * it sends from its own address, to agents of its fleet or to the operator, and
 * reads only its own mail. The operator reaches every agent. Transport-free:
 * the daemon's MCP tools and fleet's own tests call it the same way.
 */
import { randomBytes } from "node:crypto";
import { FleetError } from "../errors.ts";
import type { FleetEnv } from "../env.ts";
import {
  MAX_BODY_CHARS,
  MESSAGE_ID_PATTERN,
  OPERATOR,
  type BusMessage,
  type MessageRecord,
  type Priority,
} from "./message.ts";
import { memberAddress, memberGroup, readMembers, type Member } from "./members.ts";
import { ADHOC_GROUP, type MailboxStore } from "./store.ts";
import type { LiveStates } from "./live-states.ts";

export type Caller = { kind: "operator" } | { kind: "agent"; member: Member };

export const callerAddress = (caller: Caller): string =>
  caller.kind === "operator" ? OPERATOR : memberAddress(caller.member);

/** Everyone in the caller's fleet, or "all" of a fleet for the operator. */
export const BROADCAST = "all";

export interface SendInput {
  to: string;
  body: string;
  priority?: Priority;
  /** A sender's own id, so that a retry is not a second message. */
  id?: string;
  /** For the operator's "all": which fleet (its name, or "_adhoc"). */
  fleet?: string;
}

export interface AgentSummary {
  name: string;
  host: string;
  address: string;
  fleet: string | null;
  labels: Record<string, string>;
  state: string;
  workingOn?: string;
}

export interface BusServiceOptions {
  /** Told after messages are stored for a recipient agent (wake it, announce them). */
  onStored?: (recipient: Member) => void;
  /** Live states, for discover_agents. */
  liveStates?: () => Promise<LiveStates>;
}

const MEMBERS_TTL_MS = 1000;

export class BusService {
  private members: Member[] = [];
  private membersReadAt = 0;
  private readonly workingOn = new Map<string, string>();

  readonly env: FleetEnv;
  readonly store: MailboxStore;
  private readonly options: BusServiceOptions;

  constructor(env: FleetEnv, store: MailboxStore, options: BusServiceOptions = {}) {
    this.env = env;
    this.store = store;
    this.options = options;
  }

  /** The members, re-read when a second old or when `fresh` (a token not found yet). */
  async currentMembers(fresh = false): Promise<Member[]> {
    if (fresh || Date.now() - this.membersReadAt > MEMBERS_TTL_MS) {
      this.members = await readMembers(this.env);
      this.membersReadAt = Date.now();
    }
    return this.members;
  }

  async send(caller: Caller, input: SendInput): Promise<BusMessage[]> {
    if (input.body.trim() === "") throw badInput("the message is empty");
    if (input.body.length > MAX_BODY_CHARS) {
      throw badInput(
        `the message is ${input.body.length} characters; the bus takes ${MAX_BODY_CHARS} at most`,
      );
    }
    if (input.id !== undefined && !MESSAGE_ID_PATTERN.test(input.id)) {
      throw badInput(
        `message id ${JSON.stringify(input.id)} is not valid: 1 to 80 letters, digits, . _ : -, starting with a letter or digit`,
      );
    }
    const recipients = await this.recipients(caller, input);
    const from = callerAddress(caller);
    const id = input.id ?? newMessageId();
    const time = new Date().toISOString();
    for (const { address } of recipients) {
      const taken = this.store.get(id, address);
      if (taken && taken.from !== from) {
        throw new FleetError("BUS_ID_TAKEN", `message id ${id} is already used by another sender`, {
          hint: "leave id out to have one made, or pick another",
        });
      }
    }
    const byGroup = new Map<string, MessageRecord[]>();
    for (const { address, group } of recipients) {
      const record: MessageRecord = {
        t: "msg",
        id,
        from,
        to: address,
        priority: input.priority ?? "normal",
        time,
        body: input.body,
      };
      byGroup.set(group, [...(byGroup.get(group) ?? []), record]);
    }
    const stored: BusMessage[] = [];
    for (const [group, records] of byGroup) stored.push(...(await this.store.send(group, records)));
    for (const { member } of recipients) if (member) this.options.onStored?.(member);
    return stored;
  }

  /** The caller's mail, unread first; what it returns counts as delivered. */
  async getMessages(
    caller: Caller,
    options: { unreadOnly?: boolean; limit?: number } = {},
  ): Promise<{ messages: BusMessage[]; unread: number }> {
    const address = callerAddress(caller);
    const group = caller.kind === "agent" ? memberGroup(caller.member) : undefined;
    const messages = this.store.inbox(address, { ...options, group });
    const fresh = messages.filter((m) => m.deliveredAt === undefined).map((m) => m.id);
    await this.store.markDelivered(address, fresh);
    return {
      messages: messages.map((m) => this.store.get(m.id, m.to) ?? m),
      unread: this.store.unreadCount(address, group),
    };
  }

  async markRead(
    caller: Caller,
    ids: readonly string[],
  ): Promise<{ marked: string[]; unknown: string[] }> {
    const address = callerAddress(caller);
    const group = caller.kind === "agent" ? memberGroup(caller.member) : undefined;
    const own = ids.filter((id) => {
      const message = this.store.get(id, address);
      return (
        message !== undefined && (group === undefined || this.store.groupOf(id, address) === group)
      );
    });
    const marked = await this.store.markRead(address, own);
    return { marked, unknown: ids.filter((id) => !marked.includes(id)) };
  }

  async discover(caller: Caller): Promise<AgentSummary[]> {
    const members = await this.currentMembers(true);
    const visible =
      caller.kind === "operator"
        ? members
        : members.filter((m) => memberGroup(m) === memberGroup(caller.member));
    const live = await this.options.liveStates?.();
    return (
      visible
        // An agent its host no longer has is gone (destroyed there, its host removed):
        // only a host that could not be read leaves its agents UNKNOWN.
        .filter(
          (member) =>
            live === undefined ||
            live.states.has(memberAddress(member)) ||
            live.unreachable.has(member.host),
        )
        .map((member) => {
          const address = memberAddress(member);
          const workingOn = this.workingOn.get(address);
          return {
            name: member.name,
            host: member.host,
            address,
            fleet: member.fleet,
            labels: member.labels,
            state: live?.states.get(address) ?? "UNKNOWN",
            ...(workingOn === undefined ? {} : { workingOn }),
          };
        })
        .sort((a, b) => a.address.localeCompare(b.address))
    );
  }

  /** What an agent says it is working on, shown by discover_agents. */
  setWorkingOn(caller: Caller, text: string): void {
    if (caller.kind !== "agent") throw badInput("only an agent has a status");
    this.workingOn.set(memberAddress(caller.member), text.slice(0, 200));
  }

  private async recipients(
    caller: Caller,
    input: SendInput,
  ): Promise<{ address: string; group: string; member?: Member }[]> {
    const to = input.to.trim();
    const senderGroup = caller.kind === "agent" ? memberGroup(caller.member) : undefined;
    if (to === OPERATOR) {
      return [{ address: OPERATOR, group: senderGroup ?? input.fleet ?? ADHOC_GROUP }];
    }
    let members = await this.currentMembers();
    let found = matchRecipients(members, to, caller, input.fleet);
    if (found.length === 0) {
      members = await this.currentMembers(true);
      found = matchRecipients(members, to, caller, input.fleet);
    }
    if (found.length === 0) {
      throw new FleetError(
        "BUS_NO_RECIPIENT",
        to === BROADCAST
          ? "there is no other agent to send to"
          : `no agent ${JSON.stringify(to)} on the bus${caller.kind === "agent" ? " in this fleet" : ""}`,
        { hint: "discover_agents lists who can be reached; use NAME@HOST where names clash" },
      );
    }
    if (to !== BROADCAST && found.length > 1) {
      throw new FleetError("BUS_AMBIGUOUS", `more than one agent is named ${to}`, {
        hint: `name it with its host: ${found.map((m) => memberAddress(m)).join(", ")}`,
      });
    }
    return found.map((member) => ({
      address: memberAddress(member),
      group: memberGroup(member),
      member,
    }));
  }
}

function matchRecipients(
  members: readonly Member[],
  to: string,
  caller: Caller,
  fleet: string | undefined,
): Member[] {
  const inReach =
    caller.kind === "agent"
      ? members.filter((m) => memberGroup(m) === memberGroup(caller.member))
      : members;
  if (to === BROADCAST) {
    return inReach.filter(
      (m) =>
        (caller.kind !== "agent" || memberAddress(m) !== memberAddress(caller.member)) &&
        (fleet === undefined || memberGroup(m) === fleet),
    );
  }
  return inReach.filter((m) => (to.includes("@") ? memberAddress(m) === to : m.name === to));
}

function newMessageId(): string {
  return `m-${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
}

const badInput = (message: string): FleetError => new FleetError("BUS_BAD_INPUT", message);
