/**
 * Cross-field rules, checked before any provider is touched: names that must
 * refer to something (hosts, agent types, providers), combinations that make no
 * sense, and clashes between agents. Pure apart from checking that work dir
 * sources exist. Providers' own checks are in provider-checks.ts.
 */
import { findUnsafeCharacter } from "../text/message-check.ts";
import { statSync } from "node:fs";
import { agentTypeNames, providerNames } from "../registry.ts";
import { suggest } from "../suggest.ts";
import type { AgentSpec } from "../model.ts";
import { machineKey } from "../state/local-hosts.ts";
import type { ConfigPath, Finding } from "./problems.ts";
import type { AgentOrigins, Resolution } from "./resolve.ts";
import type { FleetConfig } from "./schema.ts";

const LOCAL = "local";

export function checkFleet(config: FleetConfig, resolution: Resolution): Finding[] {
  const findings: Finding[] = [];
  checkHosts(config, findings);
  checkObjects(config, findings);
  checkHostReferences(
    config,
    resolution.desired.hosts.map((host) => host.name),
    findings,
  );
  const seenNames = new Map<string, string>();
  for (const spec of resolution.desired.agents) {
    const origins = resolution.origins.get(spec.name);
    if (!origins) continue;
    const folded = spec.name.toLowerCase();
    const twin = seenNames.get(folded);
    if (twin !== undefined) {
      findings.push({
        path: origins.self,
        at: "key",
        message: `agent names "${twin}" and "${spec.name}" differ only in case (they would share a directory on some file systems)`,
      });
    }
    seenNames.set(folded, spec.name);
    checkAgent(spec, origins, findings);
  }
  checkPorts(resolution, findings);
  return findings;
}

function checkHosts(config: FleetConfig, findings: Finding[]): void {
  const providers = providerNames();
  for (const [name, host] of Object.entries(config.hosts ?? {})) {
    const at = ["hosts", name, "provider"];
    if (name === LOCAL && host.provider !== LOCAL) {
      findings.push({
        path: at,
        message: `host "local" is this machine: its provider must be "local" (name this host differently)`,
      });
    } else if (!providers.includes(host.provider)) {
      findings.push({ path: at, message: unknown("provider", host.provider, providers) });
    }
  }
}

/** Checked on the file rather than resolved agents, so an agent with a broken template still gets it. */
function checkHostReferences(
  config: FleetConfig,
  hostNames: readonly string[],
  findings: Finding[],
): void {
  const references: [ConfigPath, string | undefined][] = [
    [["defaults", "host"], config.defaults?.host],
    ...Object.entries(config.agents ?? {}).map(
      ([name, agent]): [ConfigPath, string | undefined] => [["agents", name, "host"], agent.host],
    ),
  ];
  for (const [path, host] of references) {
    if (host !== undefined && !hostNames.includes(host)) {
      findings.push({ path, message: unknown("host", host, hostNames) });
    }
  }
}

/** Rules about one object of the file on its own (defaults, each template, agent and host). */
function checkObjects(config: FleetConfig, findings: Finding[]): void {
  const objects: [ConfigPath, FleetConfig["defaults"] | undefined][] = [
    [["defaults"], config.defaults],
    ...Object.entries(config.templates ?? {}).map(([name, value]): [ConfigPath, typeof value] => [
      ["templates", name],
      value,
    ]),
    ...Object.entries(config.agents ?? {}).map(([name, value]): [ConfigPath, typeof value] => [
      ["agents", name],
      value,
    ]),
  ];
  const types = agentTypeNames();
  for (const [path, object] of objects) {
    if (!object) continue;
    if (object.agent !== undefined && !types.includes(object.agent)) {
      findings.push({
        path: [...path, "agent"],
        message: unknown("agent type", object.agent, types),
      });
    }
    if (object.idle === "disabled" && object.idleTimeout !== undefined) {
      findings.push({
        path: [...path, "idleTimeout"],
        message: "idleTimeout has no effect with idle: disabled (remove one of them)",
      });
    }
    checkNetwork(object.network, [...path, "network"], findings);
    if (object.message !== undefined) checkMessage(object.message, [...path, "message"], findings);
  }
  for (const [name, host] of Object.entries(config.hosts ?? {})) {
    checkNetwork(host.network, ["hosts", name, "network"], findings);
  }
}

/** A first message is typed into a terminal: it may not hold characters that act as keys. */
function checkMessage(message: string, path: ConfigPath, findings: Finding[]): void {
  const found = findUnsafeCharacter(message);
  if (found) {
    findings.push({
      path,
      message: `message contains ${found.description} at line ${found.line}, column ${found.column} of the message: it would be typed as a key (a message is text; newlines and tabs are fine)`,
    });
  }
}

function checkNetwork(
  network: { egress: string; cidrs?: string[] | undefined } | undefined,
  path: ConfigPath,
  findings: Finding[],
): void {
  if (!network) return;
  if (network.egress === "allowlist" && (network.cidrs ?? []).length === 0) {
    findings.push({ path, message: "egress: allowlist needs cidrs (the addresses it allows)" });
  } else if (network.egress !== "allowlist" && network.cidrs !== undefined) {
    findings.push({
      path: [...path, "cidrs"],
      message: `cidrs apply only to egress: allowlist (this is egress: ${network.egress})`,
    });
  }
}

/** Rules about one resolved agent. Unknown agent types are reported where written, by checkObjects. */
function checkAgent(spec: AgentSpec, origins: AgentOrigins, findings: Finding[]): void {
  const at = (field: keyof AgentOrigins["fields"]): ConfigPath =>
    origins.fields[field] ?? origins.self;
  const types = agentTypeNames();
  if (spec.agent === "") {
    findings.push({
      path: origins.self,
      at: "key",
      message: `no agent type: set agent (${types.join(", ")}), command, or a template that sets one`,
    });
  } else if (spec.agent === "command" && spec.command === undefined) {
    findings.push({
      path: origins.self,
      at: "key",
      message: 'agent type "command" needs command: the shell command line to run',
    });
  } else if (spec.agent !== "command" && types.includes(spec.agent) && spec.command !== undefined) {
    findings.push({
      path: at("command"),
      message: `command is only for agent type "command"; "${spec.agent}" runs its own CLI (pass args instead)`,
    });
  }
  checkServices(spec, at("services"), findings);
  if (spec.workdir) checkWorkdir(spec.workdir, at("workdir"), findings);
}

function checkServices(spec: AgentSpec, path: ConfigPath, findings: Finding[]): void {
  const seen = new Set<string>();
  spec.services.forEach((service, index) => {
    if (service.name === "agent") {
      findings.push({
        path: [...path, index, "name"],
        message: 'service name "agent" is taken by the agent\'s own window',
      });
    } else if (seen.has(service.name)) {
      findings.push({
        path: [...path, index, "name"],
        message: `duplicate service name "${service.name}"`,
      });
    }
    seen.add(service.name);
  });
}

/** Characters and sequences git refuses in branch names (see git-check-ref-format). */
const BAD_BRANCH = /(^[-/.]|\.\.|@\{|[\s~^:?*[\\]|\p{Cc}|\/\/|\/\.|[/.]$|\.lock$)/u;

function checkWorkdir(
  workdir: { from: string; branch: string },
  path: ConfigPath,
  findings: Finding[],
): void {
  const placeholder = /\{[^}]*\}/.exec(workdir.branch);
  if (placeholder) {
    findings.push({
      path,
      message: `unknown placeholder ${placeholder[0]} in branch (use {name} or {fleet})`,
    });
  } else if (BAD_BRANCH.test(workdir.branch)) {
    findings.push({ path, message: `"${workdir.branch}" is not a valid git branch name` });
  }
  if (!isDirectory(workdir.from))
    findings.push({ path, message: `workdir.from: no such directory ${workdir.from}` });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fixed service ports must differ between all agents of one machine: every
 * local host name is this machine, so `laptop` and `local` share its ports.
 */
function checkPorts(resolution: Resolution, findings: Finding[]): void {
  const taken = new Map<string, { agent: string; service: string; host: string }>();
  const providers = new Map(resolution.desired.hosts.map((host) => [host.name, host.provider]));
  const machine = (host: string): string =>
    machineKey({ name: host, provider: providers.get(host) ?? "" });
  for (const spec of resolution.desired.agents) {
    const origins = resolution.origins.get(spec.name);
    const servicesPath = origins?.fields.services ?? origins?.self ?? ["agents", spec.name];
    spec.services.forEach((service, index) => {
      if (typeof service.port !== "number") return;
      const key = `${machine(spec.host)}\u0000${service.port}`;
      const owner = taken.get(key);
      if (owner) {
        const where =
          (owner.agent === spec.name ? "" : `agent "${owner.agent}" `) +
          (owner.host === spec.host ? "" : `on host "${owner.host}" (the same machine) `);
        // A template's line is shared by its agents: say which agent clashes.
        const who = servicesPath[0] === "agents" ? "" : `agent "${spec.name}": `;
        findings.push({
          path: [...servicesPath, index, "port"],
          message: `${who}port ${service.port} on host "${spec.host}" is already used by ${where}service "${owner.service}"`,
        });
      } else {
        taken.set(key, { agent: spec.name, service: service.name, host: spec.host });
      }
    });
  }
}

export function unknown(kind: string, name: string, known: readonly string[]): string {
  const near = suggest(name, known);
  return near
    ? `unknown ${kind} "${name}" — did you mean "${near}"?`
    : `unknown ${kind} "${name}" (known: ${known.join(", ") || "none"})`;
}
