/**
 * fleet's configuration (`fleet config`): the keys, what each means, and the
 * schema every file is checked against. Objects are strict, so a misspelt key is
 * an error naming the file, not a setting silently ignored.
 */
import { z } from "zod";
import { notifySchema } from "../config/schema.ts";
import { PREFIX_PATTERN } from "../home.ts";
import { NAME_PATTERN } from "../names.ts";

export const settingsSchema = z.strictObject({
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
  notify: notifySchema
    .optional()
    .describe("notification targets of `fleet notify` without a fleet file (default: desktop)"),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const SETTING_KEYS = Object.keys(settingsSchema.shape) as SettingKey[];

export const settingDescription = (key: SettingKey): string =>
  settingsSchema.shape[key].description ?? "";
