/**
 * The root Pulumi.yaml's program: the fleet file the stack's config names
 * (`fleet:file`, default stacks/STACK/fleet.yaml), resolved as fleet resolves
 * it, declared as fleet's resources. It is the inline program of
 * `fleet apply --engine pulumi`, so both show the same changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import { loadFleetFile, validateHostsWithProviders } from "../src/core/config/load.ts";
import { declareFleet } from "../src/engines/pulumi/declare-fleet.ts";

const config = new pulumi.Config("fleet");
// Relative to the project (this file's parent), wherever pulumi runs the program from.
const root = resolve(import.meta.dirname, "..");
const file = resolve(root, config.get("file") ?? `stacks/${pulumi.getStack()}/fleet.yaml`);
const desired = await loadFleetFile(file);
await validateHostsWithProviders(desired);
declareFleet(desired);
