/**
 * Plans shown to someone who may apply them later by id: those the MCP `plan`
 * tool made (FLEET_HOME/mcp/plans/) and those `fleet ui` showed on its page
 * (FLEET_HOME/ui/plans/), so that `apply` can take only a plan that was shown:
 * one 0600 file per plan named
 * by a random id. An id is good once and for a limited time: `take` claims it by
 * renaming its file (atomic, so two applies of one id cannot both win) and
 * leaves an empty tombstone, so a second use is told "used", not "unknown".
 */
import { randomBytes } from "node:crypto";
import { readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";
import type { DesiredState } from "../model.ts";
import { readPlanFile, writePlanFile } from "./plan-file.ts";
import type { Plan } from "./types.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../private-files.ts";

/** How long a plan may wait for its apply. */
export const PLAN_TTL_MS = 60 * 60_000;

/** 18 random bytes, base64url: 24 characters, nothing a path could be made of. */
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
const PENDING = ".json";
const USED = ".used";

export interface StoredPlan {
  planId: string;
  expiresAt: string;
}

const MCP_HINT = "make a new plan with the `plan` tool, show it, and apply the planId it returns";

export class PlanStore {
  readonly dir: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly hint: string;

  constructor(
    env: FleetEnv,
    options: {
      ttlMs?: number;
      now?: () => number;
      /** Under FLEET_HOME: `mcp/plans` by default. */
      dir?: string;
      /** What a refused id's error tells to do instead. */
      hint?: string;
    } = {},
  ) {
    this.dir = join(env.home, options.dir ?? join("mcp", "plans"));
    this.ttlMs = options.ttlMs ?? PLAN_TTL_MS;
    this.now = options.now ?? Date.now;
    this.hint = options.hint ?? MCP_HINT;
  }

  private planError(code: string, message: string): FleetError {
    return new FleetError(code, message, { hint: this.hint });
  }

  async save(plan: Plan, desired: DesiredState): Promise<StoredPlan> {
    await mkdirPrivate(this.dir);
    await this.sweep();
    const planId = randomBytes(18).toString("base64url");
    await writePlanFile(join(this.dir, planId + PENDING), plan, desired, {
      mode: PRIVATE_FILE_MODE,
    });
    return { planId, expiresAt: new Date(this.expiry(plan)).toISOString() };
  }

  /**
   * The plan and the desired state it was made from, claimed: the id cannot be
   * used again, whatever the apply then does. Refuses an id it never gave out
   * (PLAN_UNKNOWN), one already used (PLAN_USED) and one past its time (PLAN_EXPIRED).
   */
  async take(planId: string): Promise<{ plan: Plan; desired: DesiredState }> {
    if (!ID_PATTERN.test(planId)) {
      throw this.planError("PLAN_UNKNOWN", `no plan has the id "${planId}"`);
    }
    const pending = join(this.dir, planId + PENDING);
    const used = join(this.dir, planId + USED);
    const claimed = `${pending}.${process.pid}.${randomBytes(4).toString("hex")}.claim`;
    try {
      await rename(pending, claimed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const wasUsed = await stat(used).then(
        () => true,
        () => false,
      );
      throw wasUsed
        ? this.planError(
            "PLAN_USED",
            `the plan ${planId} was applied already; a plan id is good once`,
          )
        : this.planError("PLAN_UNKNOWN", `no plan has the id "${planId}" (or it expired)`);
    }
    try {
      const saved = await readPlanFile(claimed);
      if (this.now() > this.expiry(saved.plan)) {
        throw this.planError(
          "PLAN_EXPIRED",
          `the plan ${planId} expired: plans are good for ${Math.round(this.ttlMs / 60_000)} minutes`,
        );
      }
      return saved;
    } finally {
      await writeFile(used, "", { mode: PRIVATE_FILE_MODE });
      await rm(claimed, { force: true });
    }
  }

  private expiry(plan: Plan): number {
    const made = Date.parse(plan.createdAt);
    return (Number.isNaN(made) ? 0 : made) + this.ttlMs;
  }

  /** Removes plans and tombstones older than the time a plan is good for. */
  private async sweep(): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    const oldest = this.now() - this.ttlMs;
    await Promise.all(
      names.map(async (name) => {
        const file = join(this.dir, name);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs < oldest) await rm(file, { force: true });
      }),
    );
  }
}
