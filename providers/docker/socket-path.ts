/**
 * Where the Docker engine listens. A module of its own so that the cheap checks
 * (is there an engine at all?) need not load the Engine API client.
 */
import { unsupportedDockerHost } from "./engine-errors.ts";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** The engine's socket: DOCKER_HOST=unix:///path, else /var/run/docker.sock. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === "") return DEFAULT_DOCKER_SOCKET;
  if (host.startsWith("unix://")) return host.slice("unix://".length);
  throw unsupportedDockerHost(host);
}
