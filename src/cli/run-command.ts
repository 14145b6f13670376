/**
 * How every command's module runs, whichever parser read the line (commander in
 * main.ts, or the direct readers of list and create): once the configuration
 * (fleet config) is loaded and the installed plugins' providers are registered.
 */
import { loadSettings } from "../core/settings/current.ts";
import { registerInstalledPlugins } from "../core/plugins/register.ts";

export async function runCommand<A extends unknown[]>(
  load: () => Promise<{ run: (...args: A) => Promise<void> }>,
  args: A,
): Promise<void> {
  const [module] = await Promise.all([load(), loadSettings()]);
  registerInstalledPlugins();
  await module.run(...args);
}
