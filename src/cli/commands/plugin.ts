/** `fleet plugin add SPEC`, `fleet plugin list`, `fleet plugin remove NAME [--force]` */
import {
  addPlugin,
  listPlugins,
  removePlugin,
  type ListedPlugin,
} from "../../core/actions/manage-plugins.ts";
import type { PluginEntry } from "../../core/plugins/index-file.ts";
import { renderTable } from "../render/table.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

const FORMAT_VERSION = "1.0";

const provides = (entry: PluginEntry): string =>
  [
    ...entry.providers.map((name) => `provider ${name}`),
    ...entry.agentTypes.map((name) => `agent ${name}`),
  ].join(", ");

const entryJson = (entry: PluginEntry) => ({
  name: entry.name,
  version: entry.version,
  providers: entry.providers,
  agentTypes: entry.agentTypes,
  contractVersion: entry.contractVersion,
  spec: entry.spec,
  addedAt: entry.addedAt,
});

export async function runAdd(spec: string, options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const started = Date.now();
  const { plugin, replaced } = await addPlugin(spec, context);
  if (context.format === "json") {
    printJson({ format_version: FORMAT_VERSION, added: entryJson(plugin), replaced });
    return;
  }
  printText(
    `${replaced ? "Replaced" : "Added"} ${plugin.name} ${plugin.version} (${provides(plugin)}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}

const contractCell = (plugin: ListedPlugin): string =>
  plugin.contract.ok ? "ok" : `${plugin.contract.error.code}: ${plugin.contract.error.message}`;

export async function runList(options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["table", "json"], "table");
  const plugins = await listPlugins(context);
  if (context.format === "json") {
    printJson({
      format_version: FORMAT_VERSION,
      plugins: plugins.map((plugin) => ({ ...entryJson(plugin), contract: plugin.contract })),
    });
  } else if (plugins.length === 0) {
    printText("No plugins installed. Add one with: fleet plugin add SPEC");
  } else {
    printText(
      renderTable(
        ["NAME", "VERSION", "PROVIDES", "CONTRACT"],
        plugins.map((plugin) => [
          plugin.name,
          plugin.version,
          provides(plugin),
          contractCell(plugin),
        ]),
      ),
    );
  }
  if (plugins.some((plugin) => !plugin.contract.ok)) process.exitCode = 1;
}

export async function runRemove(
  name: string,
  options: CommonOptions & { force?: boolean },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { plugin, hostsLeft } = await removePlugin(name, context, {
    force: options.force === true,
  });
  if (context.format === "json") {
    printJson({ format_version: FORMAT_VERSION, removed: entryJson(plugin), hostsLeft });
    return;
  }
  printText(`Removed ${plugin.name} ${plugin.version}.`);
  if (hostsLeft.length > 0) {
    context.io.notify({
      level: "warn",
      code: "plugin.hosts-left",
      message: `host${hostsLeft.length === 1 ? "" : "s"} ${hostsLeft.join(", ")} still use${hostsLeft.length === 1 ? "s" : ""} its provider: add the plugin again to reach ${hostsLeft.length === 1 ? "it" : "them"}`,
    });
  }
}
