/**
 * `fleet gc` on the Docker engine: the images this controller committed that no
 * container uses. An intermediate image (committed only to re-create a host's
 * container, see lifecycle.ts) goes; it is taken under that host's lock, so a
 * re-create in progress keeps it. A snapshot (`fleet snapshot`) is the user's: it
 * goes only when `--snapshots-older-than` says so and it is older than that.
 * Images another controller (FLEET_PREFIX) made, or made before fleet labelled
 * its images with one, are not judged at all.
 */
import type { ProviderContext, ProviderGarbageOptions } from "../../src/core/contracts/provider.ts";
import { drop, keep, type GcItem } from "../../src/core/gc/gc-item.ts";
import type { EngineClient, ImageSummary } from "./engine-client.ts";
import { isEngineNotFound } from "./engine-errors.ts";
import { lockDockerHost } from "./lock.ts";
import { LABELS } from "./names.ts";

export async function findImageGarbage(
  client: EngineClient,
  options: ProviderGarbageOptions,
  ctx: ProviderContext,
): Promise<GcItem[]> {
  let images: ImageSummary[];
  let inUse: Set<string>;
  try {
    images = await client.listImages({ label: [`${LABELS.controller}=${ctx.env.prefix}`] });
    const containers = await client.listContainers({ all: true });
    inUse = new Set(containers.map((c) => c.ImageID));
  } catch {
    // No engine: nothing of it can be judged, and nothing depends on it here.
    return [];
  }
  const items: GcItem[] = [];
  for (const image of images) {
    const labels = image.Labels ?? {};
    // Checked again here: the answer came from the engine, not from fleet.
    if (labels[LABELS.controller] !== ctx.env.prefix) continue;
    const target = image.RepoTags?.filter((t) => t !== "<none>:<none>").join(", ") || image.Id;
    const intermediateOf = labels[LABELS.intermediate] ?? "";
    const snapshotOf = labels[LABELS.snapshotOf] ?? "";
    if (inUse.has(image.Id)) {
      items.push(keep("snapshot-image", target, "a container uses it"));
    } else if (intermediateOf !== "") {
      items.push(
        drop(
          "snapshot-image",
          target,
          `committed only to re-create host ${intermediateOf}'s container, which no longer uses it`,
          () => removeUnused(client, image, intermediateOf, ctx),
        ),
      );
    } else if (snapshotOf !== "") {
      const ageMs = options.now - image.Created * 1000;
      const limit = options.snapshotsOlderThanMs;
      if (limit !== undefined && ageMs >= limit) {
        items.push(
          drop(
            "snapshot-image",
            target,
            `snapshot of host ${snapshotOf} that no container uses, older than --snapshots-older-than`,
            () => removeUnused(client, image, snapshotOf, ctx),
          ),
        );
      } else {
        items.push(
          keep(
            "snapshot-image",
            target,
            limit === undefined
              ? `snapshot of host ${snapshotOf}: yours to keep (--snapshots-older-than D deletes unused ones)`
              : `snapshot of host ${snapshotOf}, newer than --snapshots-older-than`,
          ),
        );
      }
    }
  }
  return items;
}

/**
 * Removes the image by each of its tags (by id when it has none), never forced,
 * so an image a container has started using since is refused by the engine.
 * Under the host's lock, and false when it changed or came into use meanwhile.
 */
async function removeUnused(
  client: EngineClient,
  image: ImageSummary,
  host: string,
  ctx: ProviderContext,
): Promise<boolean> {
  const release = await lockDockerHost({ name: host, provider: "docker", config: {} }, ctx);
  try {
    const now = await client.inspectImage(image.Id);
    if (now === null) return false;
    const containers = await client.listContainers({ all: true });
    if (containers.some((c) => c.ImageID === image.Id)) return false;
    const tags = (image.RepoTags ?? []).filter((t) => t !== "<none>:<none>");
    try {
      for (const reference of tags.length > 0 ? tags : [image.Id]) {
        await client.removeImage(reference);
      }
    } catch (error) {
      if (isEngineNotFound(error)) return false;
      throw error;
    }
    return true;
  } finally {
    await release();
  }
}
