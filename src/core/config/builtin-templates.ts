/**
 * Built-in templates: templates/<name>.yaml shipped with fleet, usable by name
 * when a fleet file does not define a template of that name. Read lazily, only
 * when a name is not found in the file, and cached.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FleetError } from "../errors.ts";
import { fleetSchemas, NAME_PATTERN } from "./schema.ts";
import type { TemplateConfig } from "./schema.ts";
import { formatProblem, toProblems } from "./problems.ts";
import { schemaFindings } from "./schema-issues.ts";
import { parseYamlSource } from "./yaml-source.ts";

const cache = new Map<string, TemplateConfig | null>();
let directory: string | null | undefined;

/**
 * templates/ at the package root: two levels up from the bundle in dist/bundle,
 * three from src/core/config, four from a tsc build's dist/src/core/config.
 */
export function builtinTemplatesDir(): string | undefined {
  if (directory === undefined) {
    const candidates = [
      join(import.meta.dirname, "..", "..", "templates"),
      join(import.meta.dirname, "..", "..", "..", "templates"),
      join(import.meta.dirname, "..", "..", "..", "..", "templates"),
    ];
    directory = candidates.find((dir) => existsSync(join(dir, "claude.yaml"))) ?? null;
  }
  return directory ?? undefined;
}

export function builtinTemplateNames(): string[] {
  const dir = builtinTemplatesDir();
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .filter((name) => NAME_PATTERN.test(name))
    .sort();
}

/** The built-in template of this name, validated; undefined when there is none. */
export function loadBuiltinTemplate(name: string): TemplateConfig | undefined {
  const cached = cache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const dir = builtinTemplatesDir();
  const file = dir === undefined ? undefined : join(dir, `${name}.yaml`);
  // The name pattern keeps a template name from reaching outside templates/.
  if (file === undefined || !NAME_PATTERN.test(name) || !existsSync(file)) {
    cache.set(name, null);
    return undefined;
  }
  const template = parseBuiltin(file, readFileSync(file, "utf8"));
  cache.set(name, template);
  return template;
}

function parseBuiltin(file: string, text: string): TemplateConfig {
  const source = parseYamlSource(text);
  let findings = source.findings;
  if (findings.length === 0) {
    const templateSchema = fleetSchemas().template;
    const result = templateSchema.safeParse(source.data ?? {}, { reportInput: true });
    if (result.success) return result.data;
    findings = schemaFindings(templateSchema, result.error.issues);
  }
  // Built-ins ship with fleet: a broken one is fleet's bug, not the user's.
  const problems = toProblems(findings, file, source.locate);
  throw new FleetError("BUILTIN_TEMPLATE_INVALID", problems.map(formatProblem).join("\n"), {
    fault: "system",
  });
}
