/**
 * A docker host's fields and their checks. In a fleet file:
 *
 *   hosts:
 *     sandbox:
 *       provider: docker
 *       image: fleet/base:bookworm          # or build: { context, dockerfile }, or snapshot: TAG
 *       network: { egress: allowlist, cidrs: [10.1.0.0/16] }
 *       resources: { cpus: 2, memory: 4g, pids: 1024 }
 *
 * `build` arrives resolved: absolute context and Dockerfile paths (config/resolve.ts).
 */
import { isIP } from "node:net";
import { isAbsolute, relative } from "node:path";
import type { HostSpec } from "../../src/core/model.ts";

export interface DockerHostConfig {
  image?: string;
  build?: { context: string; dockerfile: string };
  snapshot?: string;
}

const FIELDS = new Set(["image", "build", "snapshot"]);
/** Docker refuses memory limits under 6 MiB. */
const MIN_MEMORY = 6 * 1024 * 1024;

/** The host's docker fields; call validateDockerHost first for untrusted specs. */
export function hostConfigOf(host: HostSpec): DockerHostConfig {
  const config = host.config;
  const build = config.build as { context?: unknown; dockerfile?: unknown } | undefined;
  return {
    ...(typeof config.image === "string" ? { image: config.image } : {}),
    ...(typeof config.snapshot === "string" ? { snapshot: config.snapshot } : {}),
    ...(build && typeof build.context === "string"
      ? {
          build: {
            context: build.context,
            dockerfile:
              typeof build.dockerfile === "string"
                ? build.dockerfile
                : `${build.context}/Dockerfile`,
          },
        }
      : {}),
  };
}

export function validateDockerHost(host: HostSpec): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const key of Object.keys(host.config)) {
    if (!FIELDS.has(key)) {
      problems.push({
        path: key,
        message: `"${key}" is not a docker host field (docker hosts take image, build, snapshot, network, resources)`,
      });
    }
  }
  const { image, build, snapshot } = host.config;
  if (image !== undefined && build !== undefined) {
    problems.push({
      path: "build",
      message: "set either image (an image that exists here) or build (a Dockerfile), not both",
    });
  }
  if (image === undefined && build === undefined && snapshot === undefined) {
    problems.push({
      path: "image",
      message:
        "a docker host needs an image: set image (e.g. fleet/base:bookworm), build: { context, dockerfile }, or snapshot",
    });
  }
  const config = hostConfigOf(host);
  if (config.build) {
    const inside = relative(config.build.context, config.build.dockerfile);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      problems.push({
        path: "build.dockerfile",
        message: `the Dockerfile must be inside the build context ${config.build.context}`,
      });
    }
  }
  const network = host.network;
  if (network?.egress === "allowlist") {
    if (network.cidrs.length === 0) {
      problems.push({
        path: "network.cidrs",
        message: "allowlist needs at least one address or CIDR (use egress: offline for none)",
      });
    }
    network.cidrs.forEach((cidr, index) => {
      if (!validCidr(cidr)) {
        problems.push({
          path: `network.cidrs.${index}`,
          message: `"${cidr}" is not an IPv4 or IPv6 address or CIDR`,
        });
      }
    });
  }
  const memory = host.resources?.memory;
  if (memory !== undefined && memory < MIN_MEMORY) {
    problems.push({
      path: "resources.memory",
      message: "Docker needs a memory limit of at least 6m",
    });
  }
  return problems;
}

export function validCidr(cidr: string): boolean {
  const [address = "", bits, extra] = cidr.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}
