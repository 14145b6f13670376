/**
 * Share links (`fleet share`): each gives a teammate one agent's page in
 * `fleet ui`, watch-only or with control, until it expires or is revoked. Kept
 * under FLEET_HOME/ui/shares/, one 0600 file per link named by its public id;
 * the file holds only the token's SHA-256, so reading the store does not give
 * the link. Revoking removes the file: the server sees that and cuts the
 * sessions the link opened.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../private-files.ts";

const shareSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]{10}$/),
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
  host: z.string().min(1),
  name: z.string().min(1),
  /** The agent's createdAt: a share does not pass to a later agent of the same name. */
  agentCreatedAt: z.string(),
  readOnly: z.boolean(),
  createdAt: z.string(),
  expiresAt: z.string(),
});

export type ShareRecord = z.infer<typeof shareSchema>;

export const sharesDir = (env: FleetEnv): string => join(env.home, "ui", "shares");

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export interface NewShare {
  host: string;
  name: string;
  agentCreatedAt: string;
  readOnly: boolean;
  expiresInMs: number;
}

/** Makes a link; the token is returned once and kept nowhere. */
export async function createShare(
  env: FleetEnv,
  share: NewShare,
  now = Date.now(),
): Promise<{ record: ShareRecord; token: string }> {
  const token = randomBytes(32).toString("base64url");
  const record: ShareRecord = {
    id: randomBytes(8).toString("hex").slice(0, 10),
    tokenSha256: sha256(token),
    host: share.host,
    name: share.name,
    agentCreatedAt: share.agentCreatedAt,
    readOnly: share.readOnly,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + share.expiresInMs).toISOString(),
  };
  await mkdirPrivate(join(env.home, "ui"));
  await mkdirPrivate(sharesDir(env));
  await writeFile(join(sharesDir(env), `${record.id}.json`), JSON.stringify(record) + "\n", {
    mode: PRIVATE_FILE_MODE,
    flag: "wx",
  });
  return { record, token };
}

/** Every readable link, expired ones too (they are shown as such, then swept). */
export function readShares(env: FleetEnv): ShareRecord[] {
  let names: string[];
  try {
    names = readdirSync(sharesDir(env));
  } catch {
    return [];
  }
  const records: ShareRecord[] = [];
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    try {
      const parsed = shareSchema.safeParse(
        JSON.parse(readFileSync(join(sharesDir(env), name), "utf8")),
      );
      if (parsed.success) records.push(parsed.data);
    } catch {
      // Half-written or removed meanwhile: not a link.
    }
  }
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export const shareExpired = (record: ShareRecord, now = Date.now()): boolean =>
  Date.parse(record.expiresAt) <= now;

/** A link as it may be shown: without its token's hash, with whether it expired. */
export function publicShare(
  record: ShareRecord,
  now = Date.now(),
): Omit<ShareRecord, "tokenSha256"> & { expired: boolean } {
  const { tokenSha256: _digest, ...shown } = record;
  return { ...shown, expired: shareExpired(record, now) };
}

/** The link this token opens, when it is still good. */
export function shareForToken(
  records: readonly ShareRecord[],
  token: string,
  now = Date.now(),
): ShareRecord | undefined {
  const digest = sha256(token);
  return records.find((r) => r.tokenSha256 === digest && !shareExpired(r, now));
}

export async function revokeShare(env: FleetEnv, id: string): Promise<ShareRecord> {
  const record = readShares(env).find((r) => r.id === id);
  if (record === undefined) {
    throw new FleetError("SHARE_UNKNOWN", `no share link has the id "${id}"`, {
      hint: "`fleet share --list` shows the links and their ids",
    });
  }
  await rm(join(sharesDir(env), `${id}.json`), { force: true });
  return record;
}

/** Removes links that expired over a day ago (an expired one is refused anyway). */
export async function sweepShares(env: FleetEnv, now = Date.now()): Promise<void> {
  const stale = readShares(env).filter((r) => Date.parse(r.expiresAt) < now - 86_400_000);
  await Promise.all(stale.map((r) => rm(join(sharesDir(env), `${r.id}.json`), { force: true })));
}
