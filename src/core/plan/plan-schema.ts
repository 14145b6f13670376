/**
 * The shape of a saved plan file, checked when it is read back. Specs are loose
 * objects (unknown keys kept), so a field added to the model later survives a
 * round trip instead of being silently dropped.
 */
import { z } from "zod";
import { PLAN_ACTIONS, PLAN_FORMAT_VERSION } from "./types.ts";

const networkSchema = z.union([
  z.looseObject({ egress: z.literal("open") }),
  z.looseObject({ egress: z.literal("offline") }),
  z.looseObject({ egress: z.literal("allowlist"), cidrs: z.array(z.string()) }),
]);

const resourcesSchema = z.looseObject({
  cpus: z.number().optional(),
  memory: z.number().optional(),
  pids: z.number().optional(),
});

export const agentSpecSchema = z.looseObject({
  name: z.string(),
  host: z.string(),
  agent: z.string(),
  command: z.string().optional(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  secrets: z.array(z.string()),
  workdir: z.looseObject({ from: z.string(), branch: z.string() }).optional(),
  services: z.array(
    z.looseObject({
      name: z.string(),
      command: z.string(),
      port: z.union([z.number(), z.literal("auto"), z.null()]),
    }),
  ),
  labels: z.record(z.string(), z.string()),
  message: z.string().optional(),
  idleTimeout: z.number().nullable(),
  template: z.string().optional(),
  network: networkSchema.optional(),
  resources: resourcesSchema.optional(),
  snapshot: z.string().optional(),
});

export const hostSpecSchema = z.looseObject({
  name: z.string(),
  provider: z.string(),
  config: z.record(z.string(), z.unknown()),
  network: networkSchema.optional(),
  resources: resourcesSchema.optional(),
});

export const desiredStateSchema = z.looseObject({
  fleet: z.string(),
  source: z.string(),
  hosts: z.array(hostSpecSchema),
  agents: z.array(agentSpecSchema),
});

const specSchema = z.union([agentSpecSchema, hostSpecSchema]).nullable();

const fieldChangeSchema = z
  .object({
    field: z.string(),
    // Absent when the field is not set (JSON has no undefined).
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    forcesReplacement: z.boolean(),
    sensitive: z.boolean(),
  })
  .transform(({ field, before, after, forcesReplacement, sensitive }) => ({
    field,
    before,
    after,
    forcesReplacement,
    sensitive,
  }));

const changeSchema = z.object({
  address: z.string(),
  kind: z.enum(["host", "agent"]),
  name: z.string(),
  host: z.string(),
  provider: z.string(),
  action: z.enum(PLAN_ACTIONS),
  before: specSchema,
  after: specSchema,
  reasons: z.array(z.string()),
  fields: z.array(fieldChangeSchema),
  dependsOn: z.array(z.string()),
  restarts: z
    .array(
      z.object({
        service: z.string(),
        state: z.enum(["exited", "missing"]),
        exitCode: z.number().int().optional(),
        port: z.number().int().nullable(),
      }),
    )
    .optional(),
});

const count = z.number().int().nonnegative();

export const planSchema = z.object({
  format_version: z.literal(PLAN_FORMAT_VERSION),
  fleet: z.string(),
  source: z.string(),
  createdAt: z.string(),
  fingerprint: z.string().min(1),
  engine: z.object({ name: z.literal("pulumi"), stack: z.string().min(1) }).optional(),
  changes: z.array(changeSchema),
  conflicts: z.array(z.object({ address: z.string(), message: z.string() })),
  hostErrors: z.array(
    z.object({
      host: z.string(),
      provider: z.string(),
      error: z.looseObject({
        code: z.string(),
        message: z.string(),
        hint: z.string().optional(),
        fault: z.enum(["user", "system"]),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
      unplanned: z.array(z.string()),
    }),
  ),
  summary: z.object({
    add: count,
    change: count,
    destroy: count,
    start: count,
    stop: count,
    noop: count,
  }),
});

export const PLAN_FILE_KIND = "fleet-plan";

/** Just enough to tell a plan file, and its version, from anything else. */
export const planFileHeaderSchema = z.looseObject({
  kind: z.literal(PLAN_FILE_KIND),
  format_version: z.string(),
});

export const planFileSchema = z.object({
  format_version: z.literal(PLAN_FORMAT_VERSION),
  kind: z.literal(PLAN_FILE_KIND),
  plan: planSchema,
  desired: desiredStateSchema,
});
