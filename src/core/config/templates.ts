/**
 * Template lookup and `extends` chains. A name is looked up in the fleet file
 * first, then among the built-in templates (templates/*.yaml). A template that
 * extends its own name builds on the built-in of that name (`claude: { extends:
 * claude, ... }`). Cycles are reported, not followed.
 */
import { suggest } from "../suggest.ts";
import { builtinTemplateNames, loadBuiltinTemplate } from "./builtin-templates.ts";
import { EMPTY_LAYER, layerOf, mergeLayers } from "./layers.ts";
import type { Layer } from "./layers.ts";
import type { ConfigPath, Finding } from "./problems.ts";
import type { TemplateConfig } from "./schema.ts";

export interface TemplateResolver {
  /**
   * The merged layer of template `name` referenced at `from` (e.g.
   * `agents.x.template`), or undefined after recording a finding.
   */
  layer(name: string, from: ConfigPath): Layer | undefined;
  /** Resolves every template of the file, so errors in unused ones are reported too. */
  checkAll(): void;
}

interface Entry {
  name: string;
  builtin: boolean;
  template: TemplateConfig;
}

export function templateResolver(
  fileTemplates: Readonly<Record<string, TemplateConfig>>,
  findings: Finding[],
): TemplateResolver {
  const resolved = new Map<string, Layer | null>();
  const reportedCycles = new Set<string>();

  const lookup = (name: string, from: ConfigPath, builtinOnly: boolean): Entry | undefined => {
    const own = builtinOnly ? undefined : fileTemplates[name];
    if (own) return { name, builtin: false, template: own };
    const builtin = loadBuiltinTemplate(name);
    if (builtin) return { name, builtin: true, template: builtin };
    if (builtinOnly && fileTemplates[name]) {
      findings.push({
        path: from,
        message: `template "${name}" extends itself (only a built-in template can be extended by its own name)`,
      });
      return undefined;
    }
    const known = [...new Set([...Object.keys(fileTemplates), ...builtinTemplateNames()])];
    const near = suggest(name, known);
    findings.push({
      path: from,
      message: near
        ? `unknown template "${name}" — did you mean "${near}"?`
        : `unknown template "${name}" (known: ${known.join(", ") || "none"})`,
    });
    return undefined;
  };

  const resolveEntry = (entry: Entry, stack: readonly string[]): Layer | undefined => {
    const key = `${entry.builtin ? "builtin" : "file"}:${entry.name}`;
    const done = resolved.get(key);
    if (done !== undefined) return done ?? undefined;
    if (stack.includes(key)) {
      reportCycle([...stack.slice(stack.indexOf(key)), key]);
      return undefined;
    }
    const at = entry.builtin ? undefined : ["templates", entry.name];
    const own = layerOf(entry.template, at);
    let base: Layer | undefined = EMPTY_LAYER;
    const parentName = entry.template.extends;
    if (parentName !== undefined) {
      const extendsPath = ["templates", entry.name, "extends"];
      // A built-in extends built-ins only; a file template extending its own name means the built-in.
      const parent = lookup(parentName, extendsPath, entry.builtin || parentName === entry.name);
      base = parent ? resolveEntry(parent, [...stack, key]) : undefined;
    }
    const layer = base ? mergeLayers(base, own) : undefined;
    resolved.set(key, layer ?? null);
    return layer;
  };

  const reportCycle = (cycle: readonly string[]): void => {
    const names = cycle.map((key) => key.slice(key.indexOf(":") + 1));
    const id = [...new Set(cycle)].sort().join(",");
    if (reportedCycles.has(id)) return;
    reportedCycles.add(id);
    const first = cycle[0] ?? "";
    const path = first.startsWith("file:")
      ? ["templates", first.slice("file:".length), "extends"]
      : ["templates"];
    findings.push({ path, message: `template cycle: ${names.join(" → ")}` });
  };

  return {
    layer(name, from) {
      const entry = lookup(name, from, false);
      return entry ? resolveEntry(entry, []) : undefined;
    },
    checkAll() {
      for (const name of Object.keys(fileTemplates)) {
        const template = fileTemplates[name];
        if (template) resolveEntry({ name, builtin: false, template }, []);
      }
    },
  };
}
