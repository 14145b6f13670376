import { findFleetFile, loadFleetFile, validateHostsWithProviders } from "../core/config/load.ts";
import type { DesiredState } from "../core/model.ts";

/** Finds, loads and fully validates the fleet file (providers included) before anything is touched. */
export async function loadDesired(file: string | undefined): Promise<DesiredState> {
  const path = findFleetFile(process.cwd(), file);
  const desired = await loadFleetFile(path);
  await validateHostsWithProviders(desired);
  return desired;
}
