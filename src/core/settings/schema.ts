/**
 * fleet's configuration (`fleet config`): the keys, what each means, and the
 * schema every file is checked against. Objects are strict, so a misspelt key is
 * an error naming the file, not a setting silently ignored.
 */
import { z } from "zod";
import { fleetSchemas } from "../config/schema.ts";
import { once } from "../once.ts";
import { PREFIX_PATTERN } from "../home.ts";
import { NAME_PATTERN } from "../names.ts";

/** Built on first use, as the fleet file's schemas are (config/schema.ts says why). */
export const settingsSchema = once(() =>
  z.strictObject({
    agent: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, "expected an agent type such as command or claude")
      .optional()
      .describe("agent type of `fleet create` without --agent or --template (default command)"),
    host: z
      .string()
      .regex(NAME_PATTERN, "expected a host name")
      .optional()
      .describe("host of `fleet create` without --host (default local)"),
    prefix: z
      .string()
      .regex(
        PREFIX_PATTERN,
        "expected 1 to 32 letters, digits, - or _, starting with a letter or digit",
      )
      .optional()
      .describe("starts every tmux session and container name fleet owns (default fleet-)"),
    parallelism: z
      .number()
      .int("expected a whole number")
      .min(1)
      .max(64)
      .optional()
      .describe("changes `fleet apply` runs at once (default 8)"),
    notify: fleetSchemas()
      .notify.optional()
      .describe("notification targets of `fleet notify` without a fleet file (default: desktop)"),
  }),
);

export type Settings = z.output<ReturnType<typeof settingsSchema>>;
export type SettingKey = keyof Settings;

/** The schema's keys, in its order (a unit test holds the two together). */
export const SETTING_KEYS: readonly SettingKey[] = [
  "agent",
  "host",
  "prefix",
  "parallelism",
  "notify",
];

export const settingDescription = (key: SettingKey): string =>
  settingsSchema().shape[key].description ?? "";
