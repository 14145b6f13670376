// @ts-check
/**
 * fleet-provider-podman's manifest: what fleet reads when the plugin is added, and
 * again when a fleet file names `provider: podman`. Only this file is imported
 * until then; the provider itself loads on first use.
 *
 * @type {import("fleet/plugin").PluginManifest}
 */
const manifest = {
  contractVersion: 1,
  providers: {
    podman: async (sdk) => (await import("./lib/provider.js")).createPodmanProvider(sdk),
  },
};
export default manifest;
