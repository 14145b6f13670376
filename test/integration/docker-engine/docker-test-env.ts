/**
 * Whether Docker tests can run here, and why not. scripts/test-all.sh sets
 * FLEET_TEST_DOCKER=1 once the engine answers and the base image exists; this
 * checks again so a test file run on its own skips with a reason instead of failing.
 */
import { EngineClient } from "../../../providers/docker/engine-client.ts";

export const baseImage = process.env.FLEET_BASE_IMAGE ?? "fleet/base:bookworm";

/** A skip reason, or false when the engine answers and the base image is there. */
export async function dockerSkipReason(): Promise<string | false> {
  if (process.env.FLEET_TEST_DOCKER !== "1") {
    return "FLEET_TEST_DOCKER is not set: run `npm test` (or scripts/setup-test-env.sh as root) to start dockerd and build the base image";
  }
  const client = new EngineClient();
  try {
    await client.ping();
    if ((await client.inspectImage(baseImage)) === null) {
      return `image ${baseImage} is missing: run scripts/build-base-image.sh`;
    }
    return false;
  } catch (err) {
    return `Docker engine unreachable: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    client.close();
  }
}
