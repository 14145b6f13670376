/**
 * Entry point of the plugin `pulumi-resource-fleet` (bin/pulumi-resource-fleet
 * runs the bundled form). The engine starts it, reads its port from stdout, and
 * calls it over gRPC.
 */
import { main } from "@pulumi/pulumi/provider/index.js";
import { fleetProvider } from "./provider/fleet-provider.ts";
import { registerInstalledPlugins } from "../../core/plugins/register.ts";

// Hosts and agents of plugin providers and agent types (fleet plugin add), as the CLI sees them.
registerInstalledPlugins();

await main(fleetProvider, process.argv.slice(2));
