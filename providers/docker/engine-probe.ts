/** What `fleet doctor` asks the Docker engine: is it there, which version, which images exist. */
import type { EngineAnswer } from "../../src/core/doctor/doctor.ts";
import { EngineClient, dockerSocketPath } from "./engine-client.ts";

export async function probeEngine(images: readonly string[]): Promise<EngineAnswer> {
  let socket: string;
  try {
    socket = dockerSocketPath();
  } catch (error) {
    return {
      socket: process.env.DOCKER_HOST ?? "",
      reachable: false,
      error: message(error),
      images: {},
    };
  }
  const client = new EngineClient({ socketPath: socket, timeoutMs: 10_000 });
  try {
    const version = await client.version();
    const found: Record<string, boolean> = {};
    for (const image of images) found[image] = (await client.inspectImage(image)) !== null;
    return {
      socket,
      reachable: true,
      ...short("version", version.Version),
      ...short("apiVersion", version.ApiVersion),
      images: found,
    };
  } catch (error) {
    return { socket, reachable: false, error: message(error), images: {} };
  } finally {
    client.close();
  }
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The engine's answer is not trusted to be the shape its type says: short strings only. */
function short(key: "version" | "apiVersion", value: unknown): Record<string, string> {
  return typeof value === "string"
    ? { [key]: value.replace(/[^\x20-\x7e]/g, "").slice(0, 50) }
    : {};
}
