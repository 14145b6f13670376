/**
 * Entry point of the plugin `pulumi-resource-fleet` (bin/pulumi-resource-fleet
 * runs the bundled form). The engine starts it, reads its port from stdout, and
 * calls it over gRPC.
 */
import { main } from "@pulumi/pulumi/provider/index.js";
import { fleetProvider } from "./provider/fleet-provider.ts";

await main(fleetProvider, process.argv.slice(2));
