/**
 * Pulumi's mocks (`pulumi.runtime.setMocks`), recording what a program
 * registers: each resource's type, name and inputs, as the mocks' newResource
 * sees them, and the URNs it depends on. Dependencies are read from the very
 * RegisterResource request the SDK sends its monitor (its `dependencies`: every
 * dependsOn and every resource an input came from, which is what the engine
 * orders by), by wrapping the mock monitor's registerResource.
 */
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "fleet-test";
export const STACK = "unit";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** The inputs as sent to the monitor, secrets still wrapped as Pulumi secrets. */
  sent: Record<string, unknown>;
  /** URNs of what it was declared to depend on, sorted. */
  dependencies: string[];
}

export interface Recorder {
  /** Every registration so far, in the order they completed. */
  all(): Registration[];
  /** The registration of TYPE NAME; fails the test when there is none. */
  get(type: string, name: string): Registration;
  /** Waits until no registration is in flight (inputs resolved, monitor answered). */
  settled(): Promise<void>;
}

export interface MockOptions {
  /** The Pulumi project (what `new pulumi.Config()` reads keys of). Default PROJECT. */
  project?: string;
  /** Run as a preview: outputs the mocks do not return are unknown. */
  preview?: boolean;
  /** Outputs of a resource beyond its inputs (a container's ports, ...). */
  outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
}

export const urnOf = (type: string, name: string, project = PROJECT): string =>
  `urn:pulumi:${STACK}::${project}::${type}::${name}`;

/** Whether a value as sent to the monitor is a Pulumi secret. */
export const isSentSecret = (value: unknown): boolean =>
  typeof value === "object" &&
  value !== null &&
  (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] ===
    "1b47061264138c4ac30d75fd1eb44270";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResponse {
  getUrn(): string;
}
type Callback = (error: unknown, response: RegisterResponse | undefined) => void;
interface Monitor {
  registerResource(request: RegisterRequest, callback: Callback): unknown;
}

/** Installs fresh mocks (dropping earlier registrations) and returns their recorder. */
export async function recordRegistrations(options: MockOptions = {}): Promise<Recorder> {
  const inputs = new Map<string, Record<string, unknown>>();
  const done: Registration[] = [];
  const key = (type: string, name: string) => `${type}::${name}`;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputs.set(key(args.type, args.name), args.inputs as Record<string, unknown>);
        return {
          id: `${args.name}-id`,
          state: { ...(args.inputs as object), ...(options.outputs?.(args) ?? {}) },
        };
      },
      call: () => ({}),
    },
    options.project ?? PROJECT,
    STACK,
    options.preview ?? false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  if (!monitor || typeof monitor.registerResource !== "function") {
    throw new Error("the mock monitor has no registerResource: this @pulumi/pulumi changed");
  }
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (response) {
        const type = request.getType();
        const name = request.getName();
        done.push({
          type,
          name,
          urn: response.getUrn(),
          inputs: inputs.get(key(type, name)) ?? {},
          sent: request.getObject()?.toJavaScript() ?? {},
          dependencies: [...request.getDependenciesList()].sort(),
        });
      }
      callback(error, response);
    });
  // Internal to @pulumi/pulumi (what `pulumi.runtime.disconnect` waits on), not in its types.
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> })
    .waitForRPCs;
  if (typeof waitForRPCs !== "function") {
    throw new Error("pulumi.runtime.waitForRPCs is gone: this @pulumi/pulumi changed");
  }
  return {
    all: () => [...done],
    get(type, name) {
      const found = done.find((r) => r.type === type && r.name === name);
      if (!found) {
        const seen = done.map((r) => `${r.type} ${r.name}`).join(", ");
        throw new Error(`no ${type} ${name} was registered (registered: ${seen || "nothing"})`);
      }
      return found;
    },
    settled: () => waitForRPCs(),
  };
}
