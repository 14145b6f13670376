/**
 * What a user's `fleet.ts` imports (`import { defineFleet } from "fleet"`). Kept
 * free of runtime imports so loading a TypeScript fleet file costs nothing extra.
 */
import type { AgentInput, FleetInput, HostInput, TemplateInput } from "./schema.ts";

export type { AgentInput, FleetInput, HostInput, TemplateInput };

/**
 * Declares a fleet in TypeScript: returns its argument unchanged, typed against
 * the fleet file schema so editors complete and check it (not generic on purpose:
 * that would turn off the excess-property check that catches typos). Default-export
 * the result.
 */
export function defineFleet(config: FleetInput): FleetInput {
  return config;
}
