/** How a planned service restart reads in plans: `service db: restart on port 5432`. */
import { sanitize } from "../../core/plan/describe.ts";
import type { ServiceRestart } from "../../core/plan/types.ts";

export function restartWords(restart: ServiceRestart): string {
  const where = restart.port === null ? "" : ` on port ${restart.port}`;
  return `service ${sanitize(restart.service)}: restart${where}`;
}
