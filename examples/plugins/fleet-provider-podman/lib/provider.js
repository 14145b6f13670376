// @ts-check
/**
 * The podman provider: each host is one container `<prefix><host>` made by
 * `podman run` from the host's `image` (which must have sh, tmux and git), with
 * several agents in their own tmux sessions inside it. Like fleet's docker hosts:
 * every capability dropped, no new privileges, an init process, a pids limit
 * (4096 unless `resources.pids`), optional CPU and memory limits. Live state is
 * read back from the containers' labels (one `podman ps` for all hosts) and, per
 * running host, one probe through `podman exec`.
 */
import { PODMAN, podman, podmanOk, ulimitFlags } from "./podman.js";
import { FLEET_DIR, PodmanTransport } from "./transport.js";

const NAME = "podman";
const DEFAULT_PIDS_LIMIT = 4096;
const LABELS = {
  host: "dev.fleet.host",
  fleet: "dev.fleet.fleet",
  specHash: "dev.fleet.spec-hash",
  spec: "dev.fleet.spec",
};
/** Host fields a podman host takes besides provider, network and resources. */
const FIELDS = new Set(["image"]);

/** @param {string} prefix @param {string} host */
const containerName = (prefix, host) => `${prefix}${host}`;
/** Host names allow `_`, hostnames do not. */
const hostnameOf = (/** @type {string} */ host) => host.toLowerCase().replace(/_/g, "-");

/**
 * @param {import("fleet/plugin").PluginSdk} sdk
 * @returns {import("fleet/plugin").Provider}
 */
export function createPodmanProvider(sdk) {
  /** @param {import("fleet/plugin").HostSpec} host @param {import("fleet/plugin").ProviderContext} ctx */
  const transportFor = (host, ctx) =>
    new PodmanTransport(sdk, containerName(ctx.env.prefix, host.name));
  /** @param {import("fleet/plugin").HostSpec} host @param {import("fleet/plugin").ProviderContext} ctx */
  const lockKey = (host, ctx) => `podman-${containerName(ctx.env.prefix, host.name)}`;

  /** @type {import("fleet/plugin").Provider} */
  const provider = {
    contractVersion: 1,
    name: NAME,
    capabilities: { manageHost: true, stopHost: false, snapshot: false, networkPolicy: false },

    validateHost(host) {
      const problems = [];
      for (const key of Object.keys(host.config)) {
        if (!FIELDS.has(key))
          problems.push({
            path: key,
            message: `not used by provider podman (it takes image, resources)`,
          });
      }
      const image = host.config.image;
      if (typeof image !== "string" || image === "") {
        problems.push({
          path: "image",
          message:
            "a podman host needs an image (with sh, tmux and git), e.g. image: fleet/base:bookworm",
        });
      }
      return problems;
    },

    async discover(hosts, ctx) {
      /** @type {import("fleet/plugin").LiveState} */
      const state = { hosts: [], agents: [], errors: [] };
      if (hosts.length === 0) return state;
      /** @type {{ Names?: string[], State?: string, Labels?: Record<string, string> | null }[]} */
      let containers;
      try {
        const listed = await podmanOk(
          sdk,
          ["ps", "-a", "--filter", `label=${LABELS.host}`, "--format", "json"],
          "list containers",
        );
        containers = JSON.parse(listed || "[]");
      } catch (error) {
        const json = sdk
          .error("PODMAN_UNAVAILABLE", error instanceof Error ? error.message : String(error), {
            hint: "check that podman works: podman ps",
            fault: "system",
          })
          .toJSON();
        for (const host of hosts)
          state.errors.push({ host: host.name, provider: NAME, error: json });
        return state;
      }
      const byName = new Map();
      for (const container of containers)
        for (const name of container.Names ?? []) byName.set(name, container);
      await Promise.all(
        hosts.map(async (host) => {
          const container = byName.get(containerName(ctx.env.prefix, host.name));
          // No container: nothing is live, and the planner creates the host.
          if (container === undefined || container.Labels?.[LABELS.host] !== host.name) return;
          const labels = container.Labels ?? {};
          const running = container.State === "running";
          /** @type {import("fleet/plugin").LiveHost} */
          const live = {
            name: host.name,
            provider: NAME,
            fleet: labels[LABELS.fleet] || null,
            specHash: labels[LABELS.specHash],
            state: running ? "running" : "stopped",
          };
          try {
            live.spec = JSON.parse(labels[LABELS.spec] ?? "");
          } catch {
            // An unreadable spec label: the plan compares hashes only.
          }
          state.hosts.push(live);
          if (!running) return;
          try {
            const found = await sdk.discoverAgents(transportFor(host, ctx), {
              host: host.name,
              provider: NAME,
              prefix: ctx.env.prefix,
              home: ctx.env.home,
            });
            state.agents.push(...found.agents);
            state.errors.push(...found.errors);
          } catch (error) {
            const json =
              error &&
              typeof error === "object" &&
              "toJSON" in error &&
              typeof error.toJSON === "function"
                ? error.toJSON()
                : sdk.error("DISCOVER_FAILED", String(error), { fault: "system" }).toJSON();
            state.errors.push({ host: host.name, provider: NAME, error: json });
          }
        }),
      );
      return state;
    },

    async transport(host, ctx) {
      return transportFor(host, ctx);
    },

    lock: (host, ctx) => sdk.controllerLock(lockKey(host, ctx), ctx),
    tryLock: (host, ctx) => sdk.tryControllerLock(lockKey(host, ctx), ctx),

    prepareWorkdir: (host, spec, agentDir, ctx) =>
      sdk.prepareWorkdir(transportFor(host, ctx), spec, agentDir, ctx.env),

    async createHost(host, ctx) {
      const image = String(host.config.image);
      const name = containerName(ctx.env.prefix, host.name);
      const exists = await podman(sdk, ["image", "exists", image]);
      if (exists.code !== 0) {
        throw sdk.error("PODMAN_IMAGE", `host ${host.name}: podman has no image ${image}`, {
          hint: `make it available to podman first: podman pull ${image}, podman load -i FILE, or podman import ROOTFS.tar ${image}`,
        });
      }
      const resources = host.resources ?? {};
      const args = [
        "run",
        "--detach",
        "--name",
        name,
        "--hostname",
        hostnameOf(host.name),
        "--label",
        `${LABELS.host}=${host.name}`,
        "--label",
        `${LABELS.fleet}=${ctx.fleet ?? ""}`,
        "--label",
        `${LABELS.specHash}=${sdk.specHash(host)}`,
        "--label",
        `${LABELS.spec}=${JSON.stringify(host)}`,
        "--init",
        "--cap-drop",
        "all",
        "--security-opt",
        "no-new-privileges",
        "--pids-limit",
        String(resources.pids ?? DEFAULT_PIDS_LIMIT),
        ...(resources.cpus === undefined ? [] : ["--cpus", String(resources.cpus)]),
        ...(resources.memory === undefined
          ? []
          : ["--memory", `${resources.memory}b`, "--memory-swap", `${resources.memory}b`]),
        ...ulimitFlags(),
        // The image's / may not be writable without CAP_DAC_OVERRIDE: the fleet dir is a volume.
        "--volume",
        FLEET_DIR,
        "--workdir",
        FLEET_DIR,
        "--env",
        `FLEET_HOST=${host.name}`,
        image,
        "sleep",
        "infinity",
      ];
      await podmanOk(sdk, args, `create host ${host.name} (container ${name})`);
      const tools = await podman(sdk, [
        "exec",
        name,
        "sh",
        "-c",
        "command -v tmux >/dev/null && command -v git >/dev/null",
      ]);
      if (tools.code !== 0) {
        await podman(sdk, ["rm", "--force", "--volumes", name]);
        throw sdk.error(
          "PODMAN_IMAGE",
          `host ${host.name}: image ${image} lacks tmux or git (or sh)`,
          {
            hint: "use an image with sh, tmux and git installed (fleet runs every agent in tmux)",
          },
        );
      }
    },

    async startHost(host, ctx) {
      await podmanOk(
        sdk,
        ["start", containerName(ctx.env.prefix, host.name)],
        `start host ${host.name}`,
      );
    },

    async stopHost(host, ctx) {
      await podmanOk(
        sdk,
        ["stop", "--time", "5", containerName(ctx.env.prefix, host.name)],
        `stop host ${host.name}`,
      );
    },

    async destroyHost(host, ctx) {
      const name = containerName(ctx.env.prefix, host.name);
      const result = await podman(sdk, ["rm", "--force", "--volumes", "--time", "2", name]);
      // Gone already is what destroy wants.
      if (result.code !== 0 && !/no such container/i.test(result.stderr)) {
        throw sdk.error(
          "PODMAN_FAILED",
          `podman could not remove host ${host.name}: ${result.stderr.trim()}`,
          { fault: "system" },
        );
      }
    },

    async applyNetworkPolicy(host) {
      throw sdk.error(
        "UNSUPPORTED",
        `host ${host.name} (provider podman) cannot enforce a network policy`,
        {
          hint: "use a docker host for egress offline or allowlist",
        },
      );
    },

    async snapshot(host) {
      throw sdk.error(
        "UNSUPPORTED",
        `host ${host.name} (provider podman): snapshots are not supported`,
        {
          hint: `commit the container yourself: ${PODMAN()} commit CONTAINER IMAGE`,
        },
      );
    },
  };
  return provider;
}
