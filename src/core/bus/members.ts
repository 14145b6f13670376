/**
 * Who may talk on the bus. Each agent joins when it is launched: fleet makes a
 * random token the first time (kept, 0600, beside fleet's other keys under
 * FLEET_HOME, until the agent is destroyed) and hands it to the agent with its
 * secrets at every start. A connection's token names exactly one agent, which
 * is who it acts as. The operator's token is a file of its own, read by
 * fleet's own processes.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { once } from "../once.ts";
import type { FleetEnv } from "../env.ts";
import { NAME_PATTERN } from "../names.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE, writePrivateFile } from "../private-files.ts";
import { ADHOC_GROUP } from "./store.ts";
import { membersDir, operatorTokenFile } from "./paths.ts";

/** Built on first use: a new agent's join reads no member file, and needs no zod. */
const memberSchema = once(() =>
  z.object({
    name: z.string().regex(NAME_PATTERN),
    host: z.string().regex(NAME_PATTERN),
    /** Its fleet's name, or null for agents made with `fleet create`. */
    fleet: z.string().regex(NAME_PATTERN).nullable(),
    /** Its agent type: decides whether new mail is announced in its terminal. */
    type: z.string(),
    labels: z.record(z.string(), z.string()).default({}),
    token: z.string().min(32),
    joinedAt: z.string(),
  }),
);

export type Member = z.infer<ReturnType<typeof memberSchema>>;

/** An agent's address on the bus. */
export const memberAddress = (member: Pick<Member, "name" | "host">): string =>
  `${member.name}@${member.host}`;

/** The mailbox file a member's messages go to: its fleet's, or the ad-hoc agents'. */
export const memberGroup = (member: Pick<Member, "fleet">): string => member.fleet ?? ADHOC_GROUP;

const sha256 = (token: string): string => createHash("sha256").update(token).digest("hex");
const newToken = (): string => randomBytes(32).toString("base64url");

function memberFile(env: FleetEnv, host: string, name: string): string {
  if (!NAME_PATTERN.test(host) || !NAME_PATTERN.test(name)) {
    throw new Error(`not a valid agent address: ${name}@${host}`);
  }
  return join(membersDir(env), host, `${name}.json`);
}

/**
 * Joins (or re-joins) an agent; returns the token to hand it: the one it has,
 * unless it joined for another fleet (then it is another agent of that name).
 */
export async function joinBus(
  env: FleetEnv,
  agent: Omit<Member, "token" | "joinedAt">,
): Promise<string> {
  const previous = await readMember(env, agent.host, agent.name);
  const kept = previous && previous.fleet === agent.fleet ? previous : undefined;
  const token = kept?.token ?? newToken();
  const member: Member = {
    ...agent,
    token,
    joinedAt: kept?.joinedAt ?? new Date().toISOString(),
  };
  await mkdirPrivate(join(membersDir(env), agent.host));
  await writePrivateFile(memberFile(env, agent.host, agent.name), JSON.stringify(member) + "\n");
  return token;
}

/** Removes an agent from the bus (its mail stays until pruned). */
export async function leaveBus(env: FleetEnv, host: string, name: string): Promise<void> {
  if (!NAME_PATTERN.test(host) || !NAME_PATTERN.test(name)) return;
  await rm(memberFile(env, host, name), { force: true });
}

async function readMember(env: FleetEnv, host: string, name: string): Promise<Member | undefined> {
  try {
    const text = await readFile(memberFile(env, host, name), "utf8");
    const parsed = memberSchema().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function readMembers(env: FleetEnv): Promise<Member[]> {
  const members: Member[] = [];
  let hosts: string[];
  try {
    hosts = await readdir(membersDir(env));
  } catch {
    return [];
  }
  for (const host of hosts.filter((h) => NAME_PATTERN.test(h))) {
    let files: string[];
    try {
      files = await readdir(join(membersDir(env), host));
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith(".json"))) {
      try {
        const text = await readFile(join(membersDir(env), host, file), "utf8");
        const parsed = memberSchema().safeParse(JSON.parse(text));
        if (parsed.success && parsed.data.host === host) members.push(parsed.data);
      } catch {
        // A file being replaced or broken names nobody.
      }
    }
  }
  return members;
}

/** The member a token names, if any (compared in constant time). */
export function memberForToken(members: readonly Member[], token: string): Member | undefined {
  const hash = Buffer.from(sha256(token), "hex");
  return members.find((member) => timingSafeEqual(Buffer.from(sha256(member.token), "hex"), hash));
}

/** The operator's token, made on first use (0600). */
export async function operatorToken(env: FleetEnv): Promise<string> {
  const file = operatorTokenFile(env);
  try {
    const token = (await readFile(file, "utf8")).trim();
    if (token.length >= 32) return token;
  } catch {
    // Not made yet.
  }
  await mkdirPrivate(membersDir(env));
  try {
    // wx: two processes making it at once agree on the first one's.
    await writeFile(file, newToken() + "\n", { mode: PRIVATE_FILE_MODE, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return (await readFile(file, "utf8")).trim();
}

export function isOperatorToken(expected: string, given: string): boolean {
  const a = Buffer.from(sha256(expected), "hex");
  const b = Buffer.from(sha256(given), "hex");
  return timingSafeEqual(a, b);
}
