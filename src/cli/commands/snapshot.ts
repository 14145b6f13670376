/**
 * `fleet snapshot NAME`: commits the host an agent runs on (a docker container)
 * to an image, `fleet-snapshot/<host>:<utc time>`. A host made with `snapshot:`
 * set to it starts with the same files.
 */
import { FleetError } from "../../core/errors.ts";
import type { IoHost, IoMessage } from "../../core/io.ts";
import { findAgent, withHostLock } from "../../core/actions/agent-target.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

export async function run(ref: string, options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { agent, handle } = await findAgent(ref, context);
  const { provider, host } = handle;
  if (!provider.capabilities.snapshot) {
    throw new FleetError(
      "SNAPSHOT_UNSUPPORTED",
      `agent ${agent.name} runs on host ${host.name} (provider ${provider.name}), which cannot be snapshotted`,
      { hint: "snapshots are of docker hosts: run the agent on a host with `provider: docker`" },
    );
  }
  // The provider tells the image id along the way; the reference is what it returns.
  let id: string | undefined;
  const io: IoHost = {
    notify(message: IoMessage) {
      if (message.code === "host.snapshot" && typeof message.data?.id === "string") {
        id = message.data.id;
        return;
      }
      context.io.notify(message);
    },
    confirm: (question, fallback) => context.io.confirm(question, fallback),
  };
  const reference = await withHostLock(handle, () =>
    provider.snapshot(host, { ...handle.ctx, io }),
  );
  if (context.format === "json") {
    printJson({
      snapshot: { agent: agent.name, host: host.name, image: reference, id: id ?? null },
    });
    return;
  }
  printText(reference);
  printText(
    `Committed host ${host.name} (agent ${agent.name}) to ${reference}${id === undefined ? "" : ` (${id})`}.\n` +
      `Start a host from it with \`snapshot: ${reference}\` in the fleet file.`,
    "stderr",
  );
}
