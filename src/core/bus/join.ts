/**
 * An agent joins the bus as it is launched: when its host reaches the bus, the
 * daemon is started if it is not running (not waited for: the agent's endpoint
 * retries while it comes up), and the launch gets the socket's path there and
 * the agent's token. FLEET_BUS=off launches agents without it.
 */
import type { HostHandle } from "../host/handle.ts";
import type { AgentRecord } from "../host/agent-record.ts";
import { ensureBusDaemon } from "./daemon-start.ts";
import { joinBus } from "./members.ts";

export async function busForLaunch(
  h: HostHandle,
  record: AgentRecord,
): Promise<{ socket: string; token: string } | undefined> {
  if (process.env.FLEET_BUS === "off") return undefined;
  const socket = await h.provider.busSocket?.(h.host, h.ctx);
  if (socket === undefined) return undefined;
  const token = await joinBus(h.ctx.env, {
    name: record.name,
    host: h.host.name,
    fleet: record.fleet,
    type: record.spec.agent,
    labels: record.spec.labels,
  });
  await ensureBusDaemon(h.ctx.env, { wait: false });
  return { socket, token };
}
