/**
 * One Engine API client per socket for the whole process: its keep-alive
 * connections are reused by every call (discovery, apply, exec). DOCKER_HOST is
 * read at each call, so a test or a caller can point fleet at another engine.
 */
import { dockerSocketPath, EngineClient, MIN_API_VERSION } from "./engine-client.ts";

const clients = new Map<string, EngineClient>();

export function engineFor(env: NodeJS.ProcessEnv = process.env): EngineClient {
  const socketPath = dockerSocketPath(env);
  let client = clients.get(socketPath);
  if (client === undefined) {
    // Every engine since Docker 20.10 serves API 1.41, all fleet uses: no round trip to negotiate.
    client = new EngineClient({ socketPath, apiVersion: MIN_API_VERSION });
    clients.set(socketPath, client);
  }
  return client;
}
