/**
 * The fleet CLI with the benchmark's simulated provider registered as `sim`:
 * the product's own main, run with argv as `fleet` would be. Runs from the
 * sources (node bench/scale/fleet-sim.ts list) or bundled like the product by
 * bench/scale/build.ts, which is what the benchmark times. The registry is
 * imported before main so both share its one instance.
 */
import module from "node:module";
import { registerProvider } from "../../src/core/registry.ts";

// As bin/fleet.js does before it loads main.
module.enableCompileCache?.();
registerProvider("sim", async () => (await import("./sim-provider.ts")).default);
await import("../../src/cli/main.ts");
