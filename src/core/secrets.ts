/**
 * Secrets are named in a spec and taken from the caller's environment at
 * create/start time. Their values are never stored: only handed to the agent.
 */
import { FleetError } from "./errors.ts";

/** The values of the named variables; a missing one fails naming the variable, never a value. */
export function resolveSecrets(names: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `$${name}`).join(", ");
    throw new FleetError("SECRET_MISSING", `secret ${list} is not set in the environment`, {
      hint: `export ${missing.join(", ")} before running fleet (secrets are read from the caller's environment and never stored)`,
      details: { missing },
    });
  }
  return values;
}

/** Text with every secret value replaced by `(sensitive)`; values shorter than 4 characters are left alone. */
export function redactSecrets(text: string, values: Iterable<string>): string {
  const sorted = [...values]
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const value of sorted) redacted = redacted.replaceAll(value, "(sensitive)");
  return redacted;
}
