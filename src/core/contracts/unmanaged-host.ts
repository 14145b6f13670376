import { FleetError } from "../errors.ts";
import type { HostSpec } from "../model.ts";
import type { Provider } from "./provider.ts";

type HostOperations = Pick<
  Provider,
  "createHost" | "startHost" | "stopHost" | "destroyHost" | "applyNetworkPolicy" | "snapshot"
>;

/**
 * The host operations of a provider whose hosts exist on their own (this machine,
 * an SSH box): each refuses with the same clear error, naming what fleet cannot do.
 */
export function unmanagedHostOperations(kind: string, hint: string): HostOperations {
  const refuse = (what: string, host: HostSpec): Promise<never> =>
    Promise.reject(
      new FleetError("UNSUPPORTED", `host ${host.name} is ${kind}: fleet cannot ${what} it`, {
        hint,
      }),
    );
  return {
    createHost: (host) => refuse("create", host),
    startHost: (host) => refuse("start", host),
    stopHost: (host) => refuse("stop", host),
    destroyHost: (host) => refuse("destroy", host),
    applyNetworkPolicy: (host) => refuse("apply a network policy to", host),
    snapshot: (host) => refuse("snapshot", host),
  };
}
