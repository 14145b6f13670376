/**
 * The fleet file's schema: the single source of truth. It validates YAML and
 * TypeScript fleet files, types `defineFleet`, and generates docs/fleet.schema.json
 * (scripts/gen-schema.ts). Objects are strict so a typo is an error, not a
 * silently ignored key. Cross-field rules (unknown hosts, port clashes, ...)
 * live in rules.ts.
 */
import { z } from "zod";
import { once } from "../once.ts";
import { ENV_NAME_PATTERN, NAME_PATTERN } from "../names.ts";
import { DURATION_PATTERN, SIZE_PATTERN } from "./units.ts";

export { ENV_NAME_PATTERN, NAME_PATTERN };
/** Label keys, Docker/Kubernetes style (`team`, `dev.example/owner`). */
export const LABEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
/** An IPv4 or IPv6 address with an optional prefix length. */
export const CIDR_PATTERN = /^[0-9A-Fa-f:.]+(\/[0-9]{1,3})?$/;

export const NAME_RULE =
  "expected a name of 1-63 letters, digits, - and _, starting with a letter or digit";

export const NOTIFY_EVENTS = ["waiting", "finished", "failed", "stopped", "handoff"] as const;

/**
 * The schemas, built on first use: building them costs more than a start-up of
 * `fleet create` can spare (about 10 ms, and loading zod about as much), and a
 * plain create or list never parses a fleet file.
 */
export const fleetSchemas = once(buildSchemas);

type Schemas = ReturnType<typeof buildSchemas>;

function buildSchemas() {
  const name = z.string().regex(NAME_PATTERN, NAME_RULE);
  const nonEmpty = z.string().min(1, "expected a non-empty string");
  const envName = z
    .string()
    .regex(ENV_NAME_PATTERN, "expected an environment variable name (letters, digits, _)");

  /** Strings, numbers and booleans are all accepted where a string is meant (YAML `PORT: 8080`). */
  const scalarString = z
    .union([z.string(), z.number(), z.boolean()], {
      error: "expected a string (numbers and booleans are converted)",
    })
    .transform(String);

  const durationSchema = z
    .union(
      [
        z
          .string()
          .regex(
            DURATION_PATTERN,
            "expected a duration such as 30s, 15m, 2h or 1h30m (ms, s, m, h, d)",
          ),
        z.number().nonnegative("expected a non-negative number of seconds"),
      ],
      { error: "expected a duration such as 30s, 15m, 2h, or a number of seconds" },
    )
    .meta({
      id: "Duration",
      description:
        "A duration: 30s, 15m, 2h, 1h30m (units ms, s, m, h, d), or a number of seconds.",
    });

  const sizeSchema = z
    .union(
      [
        z.string().regex(SIZE_PATTERN, "expected a size such as 512m or 2g"),
        z.number().int().nonnegative("expected a non-negative number of bytes"),
      ],
      { error: "expected a size such as 512m or 2g, or a number of bytes" },
    )
    .meta({
      id: "Size",
      description: "A size: 512m, 2g, 64k (binary multiples), or a number of bytes.",
    });

  const portNumber = z
    .number()
    .int("expected a whole port number")
    .min(1, "expected a port from 1 to 65535")
    .max(65535, "expected a port from 1 to 65535");

  const networkSchema = z
    .strictObject({
      egress: z
        .enum(["open", "offline", "allowlist"])
        .describe("open: unrestricted; offline: no network; allowlist: only `cidrs`."),
      cidrs: z
        .array(z.string().regex(CIDR_PATTERN, "expected an address or CIDR such as 10.0.0.0/8"))
        .optional()
        .describe("Addresses or CIDRs reachable with egress: allowlist."),
    })
    .meta({ id: "Network", description: "Outbound network policy." });

  const resourcesSchema = z
    .strictObject({
      cpus: z.number().positive("expected a positive number of CPUs").optional(),
      memory: sizeSchema.optional(),
      pids: z.number().int().positive("expected a positive number of processes").optional(),
    })
    .meta({ id: "Resources", description: "Resource limits (enforced by providers that can)." });

  const serviceSchema = z
    .strictObject({
      name: name.describe("Service name; its tmux window is named after it."),
      command: nonEmpty.describe("Shell command line; $PORT holds the service's port."),
      port: z
        .union([portNumber, z.literal("auto")], {
          error: 'expected a port number (1-65535) or "auto"',
        })
        .optional()
        .describe('A fixed port, or "auto" for a free one chosen at start.'),
    })
    .meta({
      id: "Service",
      description: "A process run next to the agent, in its own tmux window.",
    });

  const workdirSchema = z
    .union([
      nonEmpty.describe("Source directory (same as { from: ... })."),
      z.strictObject({
        from: nonEmpty.describe(
          "Source directory, relative to the fleet file: a git repo or a plain directory.",
        ),
        branch: nonEmpty
          .optional()
          .describe('Branch the agent works on; {name} is the agent name. Default "fleet/{name}".'),
      }),
    ])
    .meta({
      id: "Workdir",
      description: "The agent's work dir: a git worktree (or copy) of a directory.",
    });

  const webhookFormat = z
    .enum(["slack", "ntfy"])
    .optional()
    .describe(
      'slack: JSON {"text": ...} (the default); ntfy: a plain-text body with a Title header.',
    );

  /** http(s) only: a webhook is a POST, and no other scheme's fetch should be reachable from a file. */
  const webhookUrl = z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+/i, "expected an http:// or https:// URL")
    .describe("The webhook's URL. It may carry a secret: prefer urlFrom, and keep it out of git.");

  const webhookSchema = z
    .union(
      [
        z.strictObject({ url: webhookUrl, format: webhookFormat }),
        z.strictObject({
          urlFrom: envName.describe(
            "A variable in the environment of the process that sends (fleet reconcile, notify, ui) holding the URL. Never stored or printed.",
          ),
          format: webhookFormat,
        }),
      ],
      {
        error:
          "expected a webhook: { url: ..., format: slack|ntfy } or { urlFrom: VAR, format: ... }",
      },
    )
    .meta({ id: "Webhook", description: "A webhook notifications are POSTed to." });

  const notifySchema = z
    .strictObject({
      on: z
        .array(z.enum(NOTIFY_EVENTS))
        .optional()
        .describe(
          "Events to notify about. Default: all of waiting, finished, failed, stopped, handoff; [] for none.",
        ),
      desktop: z
        .boolean()
        .optional()
        .describe("A desktop notification (notify-send, where present). Default false."),
      webhooks: z
        .array(webhookSchema)
        .optional()
        .describe(
          "Webhooks to POST to; a more specific layer's list replaces the one it overrides.",
        ),
    })
    .meta({
      id: "Notify",
      description:
        "Who is told when the agent waits, finishes, fails, is stopped by reconcile or handed off. Merged by key over templates and defaults; never changes the agent itself.",
    });

  /** Fields an agent, a template and `defaults` share. */
  const agentFields = {
    agent: nonEmpty.optional().describe("Agent type: command, claude, codex, opencode."),
    command: nonEmpty
      .optional()
      .describe(
        "Shell command line to run (agent type `command`; implies it when `agent` is unset).",
      ),
    args: z.array(scalarString).optional().describe("Arguments passed through to the agent."),
    env: z
      .record(envName, scalarString)
      .optional()
      .describe("Environment variables; merged by key with the template's and defaults'."),
    secrets: z
      .array(envName)
      .optional()
      .describe("Names of variables taken from the caller's environment. Never stored or printed."),
    workdir: workdirSchema.optional(),
    services: z.array(serviceSchema).optional().describe("Processes run next to the agent."),
    labels: z
      .record(
        z.string().regex(LABEL_KEY_PATTERN, "expected a label key (letters, digits, . _ / -)"),
        scalarString,
      )
      .optional()
      .describe("Free-form labels; merged by key."),
    message: z.string().optional().describe("First message, sent once the agent is ready."),
    idleTimeout: durationSchema
      .optional()
      .describe("Stop the agent after this long idle. Default 15m."),
    idle: z
      .enum(["enabled", "disabled"])
      .optional()
      .describe("`disabled` turns idle shutdown off; `enabled` turns it back on over a template."),
    network: networkSchema.optional(),
    resources: resourcesSchema.optional(),
    snapshot: nonEmpty
      .optional()
      .describe("Snapshot image to start from (providers that support it)."),
    notify: notifySchema.optional(),
  };

  const templateSchema = z
    .strictObject({
      extends: nonEmpty
        .optional()
        .describe("Template this one builds on (a template in this file or a built-in one)."),
      ...agentFields,
    })
    .meta({ id: "Template", description: "Agent settings agents and other templates build on." });

  const agentSchema = z
    .strictObject({
      template: nonEmpty.optional().describe("Template to start from (in this file or built-in)."),
      host: nonEmpty.optional().describe('Host to run on. Default "local" (this machine).'),
      ...agentFields,
    })
    .meta({ id: "Agent", description: "One agent: its settings override its template's." });

  const defaultsSchema = z
    .strictObject({
      host: nonEmpty.optional().describe('Host for agents that name none. Default "local".'),
      ...agentFields,
    })
    .meta({
      id: "Defaults",
      description: "Defaults for every agent; templates and agents override them.",
    });

  const buildSchema = z.union([
    nonEmpty.describe("Build context directory (same as { context: ... })."),
    z.strictObject({
      context: nonEmpty
        .optional()
        .describe("Build context, relative to the fleet file. Default: its directory."),
      dockerfile: nonEmpty
        .optional()
        .describe("Dockerfile, relative to the context. Default: Dockerfile."),
    }),
  ]);

  const hostSchema = z
    .strictObject({
      provider: nonEmpty.describe(
        "Provider: local, docker, ssh, or one a plugin adds (fleet plugin add).",
      ),
      image: nonEmpty
        .optional()
        .describe("docker: image to run (must exist locally, or set build)."),
      build: buildSchema.optional().describe("docker: build the image from a Dockerfile."),
      address: nonEmpty.optional().describe("ssh: [user@]host, or an alias from ~/.ssh/config."),
      port: portNumber.optional().describe("ssh: port. Default 22 (or ~/.ssh/config)."),
      identityFile: nonEmpty.optional().describe("ssh: private key file."),
      hostKey: nonEmpty
        .optional()
        .describe("ssh: the host's public key to pin (`ssh-ed25519 AAAA...`)."),
      snapshot: nonEmpty.optional().describe("docker: snapshot image to start the host from."),
      fleetDir: nonEmpty
        .optional()
        .describe("ssh: the host's fleet dir (agents, logs, repos). Default: ~/.fleet."),
      network: networkSchema.optional(),
      resources: resourcesSchema.optional(),
    })
    .meta({
      id: "Host",
      description: "A machine agents run on; fields other than provider are provider-specific.",
    });

  const fleetSchema = z
    .strictObject({
      $schema: z.string().optional().describe("JSON Schema of this file, for editors."),
      version: z.literal(1, { error: "expected version: 1 (the only fleet file format so far)" }),
      name: name.describe(
        "The fleet's name. The fleet owns, plans and deletes only what carries it.",
      ),
      defaults: defaultsSchema.optional(),
      templates: z.record(name, templateSchema).optional().describe("Reusable agent settings."),
      hosts: z
        .record(name, hostSchema)
        .optional()
        .describe('Machines agents run on. "local" (this machine) always exists.'),
      agents: z.record(name, agentSchema).optional().describe("The agents, by name."),
    })
    .describe("A fleet file: agents, the hosts they run on, and the templates they share.");
  return {
    notify: notifySchema,
    template: templateSchema,
    agent: agentSchema,
    defaults: defaultsSchema,
    host: hostSchema,
    fleet: fleetSchema,
  };
}

/** What a fleet file may contain, as written (the type `defineFleet` checks). */
export type FleetInput = z.input<Schemas["fleet"]>;
/** A validated fleet file, before templates and defaults are applied. */
export type FleetConfig = z.output<Schemas["fleet"]>;
export type AgentConfig = z.output<Schemas["agent"]>;
export type TemplateConfig = z.output<Schemas["template"]>;
export type DefaultsConfig = z.output<Schemas["defaults"]>;
export type HostConfig = z.output<Schemas["host"]>;
export type AgentInput = z.input<Schemas["agent"]>;
export type TemplateInput = z.input<Schemas["template"]>;
export type HostInput = z.input<Schemas["host"]>;
export type NotifyConfig = z.output<Schemas["notify"]>;
