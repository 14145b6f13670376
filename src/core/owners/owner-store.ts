/**
 * Who owns an agent, kept on the controller (FLEET_HOME/owners), never on the
 * agent's host: a host is untrusted and must not be able to say whose an agent
 * is. One file per agent, named by the hash of its identity (host, name,
 * createdAt), so a destroyed and re-made agent starts over. An agent with no
 * record is owned by its `owner` label, else by this controller's user.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { usageError } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";

export const OWNER_LABEL = "owner";

export interface OwnerRecord {
  host: string;
  name: string;
  createdAt: string;
  owner: string;
  /** ISO time of the handoff that set it. */
  since: string;
  from: string;
}

type AgentIdentity = Pick<LiveAgent, "host" | "name" | "createdAt">;

/** Letters and digits, then also space . _ @ + - (user names, e-mail addresses, "Ana Lopez"). */
const OWNER_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,63}$/u;

/** The owner name as given, trimmed, or a usage error that says what a name may be. */
export function checkOwnerName(name: string, flag = "--to"): string {
  const trimmed = name.trim();
  if (trimmed === "") throw usageError(`${flag} needs a name: whom the agent is handed to`);
  if (!OWNER_PATTERN.test(trimmed)) {
    throw usageError(
      `${flag} ${JSON.stringify(trimmed)} is not an owner name`,
      "use 1-64 letters, digits, spaces and . _ @ + -, starting with a letter or digit (ana, ana@example.com)",
    );
  }
  return trimmed;
}

/** Who this controller acts as: $FLEET_USER, else the login name. */
export function controllerUser(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.FLEET_USER?.trim();
  if (named !== undefined && named !== "" && OWNER_PATTERN.test(named)) return named;
  try {
    const login = userInfo().username;
    if (OWNER_PATTERN.test(login)) return login;
  } catch {
    // No passwd entry (a container's uid): fall through.
  }
  return "unknown";
}

const ownersDir = (home: string): string => join(home, "owners");
const ownerFile = (agent: AgentIdentity): string =>
  createHash("sha256")
    .update([agent.host, agent.name, agent.createdAt].join("\u0000"))
    .digest("hex") + ".json";

function parseOwner(text: string, agent: AgentIdentity): OwnerRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<OwnerRecord>;
    const matches =
      value.host === agent.host && value.name === agent.name && value.createdAt === agent.createdAt;
    return matches && typeof value.owner === "string" && OWNER_PATTERN.test(value.owner)
      ? (value as OwnerRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

export function readOwnerRecord(home: string, agent: AgentIdentity): OwnerRecord | undefined {
  try {
    return parseOwner(readFileSync(join(ownersDir(home), ownerFile(agent)), "utf8"), agent);
  } catch {
    return undefined;
  }
}

export async function writeOwnerRecord(home: string, record: OwnerRecord): Promise<void> {
  const dir = ownersDir(home);
  await mkdirPrivate(dir);
  const file = join(dir, ownerFile(record));
  const tmp = `${file}.${process.pid}.tmp`;
  await writePrivateFile(tmp, JSON.stringify(record) + "\n");
  await rename(tmp, file);
}

/** The agent's owner: the handoff record, else its `owner` label, else this controller's user. */
export function ownerOf(
  home: string,
  agent: LiveAgent,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return (
    readOwnerRecord(home, agent)?.owner ?? agent.spec.labels[OWNER_LABEL] ?? controllerUser(env)
  );
}

/**
 * The agents with their owner as the `owner` label (copies: the specs as
 * recorded are left alone). One directory read for all of them: listing stays cheap.
 */
export function withOwnerLabels(
  home: string,
  agents: readonly LiveAgent[],
  env: NodeJS.ProcessEnv = process.env,
): LiveAgent[] {
  let files: Set<string>;
  try {
    files = new Set(readdirSync(ownersDir(home)));
  } catch {
    files = new Set();
  }
  const fallback = controllerUser(env);
  return agents.map((agent) => {
    // No handoff made yet (the usual case): no file name to hash for any agent.
    const recorded =
      files.size > 0 && files.has(ownerFile(agent)) ? readOwnerRecord(home, agent) : undefined;
    const owner = recorded?.owner ?? agent.spec.labels[OWNER_LABEL] ?? fallback;
    return {
      ...agent,
      spec: { ...agent.spec, labels: { ...agent.spec.labels, [OWNER_LABEL]: owner } },
    };
  });
}

/** A recorded owner follows its agent to a new identity (migrated, renamed). */
export async function moveOwnerRecord(
  home: string,
  from: AgentIdentity,
  to: AgentIdentity,
): Promise<void> {
  const record = readOwnerRecord(home, from);
  if (!record) return;
  await writeOwnerRecord(home, {
    ...record,
    host: to.host,
    name: to.name,
    createdAt: to.createdAt,
  });
}
