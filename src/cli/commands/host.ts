/**
 * `fleet host ls` / `fleet host rm NAME`: the hosts this controller remembers;
 * `fleet host trust NAME` and `fleet host keygen NAME`: setting up SSH hosts.
 */
import { findFleetFile } from "../../core/config/load.ts";
import { FleetError } from "../../core/errors.ts";
import type { HostSpec } from "../../core/model.ts";
import { listHosts, removeHost } from "../../core/state/host-inventory.ts";
import { knownHosts } from "../../core/state/known-hosts.ts";
import { suggest } from "../../core/suggest.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";
import { loadDesired } from "../../core/actions/plan-apply.ts";
import { renderTable } from "../render/table.ts";

interface HostCommandOptions extends CommonOptions {
  file?: string;
}

export async function runList(options: HostCommandOptions): Promise<void> {
  const context = cliContext(options, ["table", "json"], "table");
  const hosts = await listHosts(context);
  if (context.format === "json") {
    printJson({ format_version: "1.0", hosts });
  } else {
    process.stdout.write(
      renderTable(
        ["NAME", "PROVIDER", "TARGET", "STATE", "AGENTS"],
        hosts.map((h) => [
          h.name,
          h.provider,
          h.target ?? "-",
          h.state ?? "unreadable",
          String(h.agents),
        ]),
      ) + "\n",
    );
    for (const host of hosts) {
      if (host.error) {
        context.io.notify({
          level: "warn",
          code: "host.unreadable",
          message: `host ${host.name} (${host.provider}) could not be read: ${host.error.message}`,
        });
      }
    }
  }
  if (hosts.some((h) => h.error)) process.exitCode = 1;
}

export async function runRemove(
  name: string,
  options: HostCommandOptions & { force?: boolean },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const removed = await removeHost(context, name, { force: options.force === true });
  if (context.format === "json") {
    printJson({ forgotten: removed });
    return;
  }
  const hidden =
    removed.agents > 0 && removed.provider !== "local"
      ? ` Its ${removed.agents} agent${removed.agents === 1 ? " is" : "s are"} no longer listed.`
      : "";
  process.stdout.write(
    `Forgot host ${removed.host}; nothing on it was changed.${hidden} A fleet file that declares it brings it back.\n`,
  );
}

export async function runTrust(
  name: string,
  options: HostCommandOptions & { replace?: boolean; fingerprint?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const host = await findSshHost(name, options.file, context);
  const { trustHost } = await import("../../../providers/ssh/trust.ts");
  const result = await trustHost(context.env, host, {
    ...(options.replace === true ? { replace: true } : {}),
    ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
  });
  if (context.format === "json") {
    printJson({ trusted: result });
    return;
  }
  const width = Math.max(...result.keys.map((k) => k.type.length));
  const lines = [
    `Host ${result.host} (${result.address}) presents:`,
    ...result.keys.map((k) => `  ${k.type.padEnd(width)}  ${k.fingerprint}`),
  ];
  if (result.unchanged) {
    lines.push(`These keys were already pinned in ${result.file}; nothing changed.`);
  } else {
    if (result.replaced.length > 0) {
      lines.push(
        `Replaced the previously pinned ${result.replaced.map((k) => `${k.type} ${k.fingerprint}`).join(", ")}.`,
      );
    }
    lines.push(
      `Pinned in ${result.file}: fleet connects to ${result.host} only while it presents one of these keys.`,
    );
  }
  printText(lines.join("\n"));
}

export async function runKeygen(name: string, options: HostCommandOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const host = await findSshHost(name, options.file, context);
  const { generateHostKey } = await import("../../../providers/ssh/keygen.ts");
  const result = await generateHostKey(context.env, host, {
    interactive: process.stdin.isTTY && context.format !== "json",
  });
  if (context.format === "json") {
    printJson({ key: result });
    return;
  }
  const lines = [
    `Generated an ed25519 key for ${result.host}: ${result.keyFile} (${result.fingerprint}).`,
    result.installed
      ? `Added its public key to ~/.ssh/authorized_keys on ${result.host} (${result.address}).`
      : `~/.ssh/authorized_keys on ${result.host} (${result.address}) already had it.`,
    `Checked that ${result.host} accepts a login with it alone.`,
    result.shadowedBy === undefined
      ? `fleet logs in to ${result.host} with this key from now on.`
      : `The fleet file's identityFile (${result.shadowedBy}) still comes first; remove it to use this key.`,
  ];
  printText(lines.join("\n"));
}

/**
 * The host from the fleet file (-f, or one in this directory), else one this
 * controller remembers. It must be an ssh host.
 */
async function findSshHost(
  name: string,
  file: string | undefined,
  context: CliContext,
): Promise<HostSpec> {
  let hosts: HostSpec[];
  let where: string;
  if (file !== undefined || hasFleetFile()) {
    const desired = await loadDesired(file);
    hosts = desired.hosts;
    where = desired.source;
  } else {
    hosts = await knownHosts(context.env);
    where = "the hosts this machine has used";
  }
  const host = hosts.find((h) => h.name === name);
  if (!host) {
    const near = suggest(
      name,
      hosts.map((h) => h.name),
    );
    throw new FleetError("HOST_NOT_FOUND", `no host named "${name}" in ${where}`, {
      hint: near
        ? `did you mean "${near}"?`
        : "name a host of provider ssh from the fleet file (-f FILE)",
    });
  }
  if (host.provider !== "ssh") {
    throw new FleetError(
      "NOT_AN_SSH_HOST",
      `host ${name} is a ${host.provider} host, not an ssh host`,
      {
        hint: "trust and keygen are for hosts with provider: ssh",
      },
    );
  }
  return host;
}

function hasFleetFile(): boolean {
  try {
    findFleetFile(process.cwd());
    return true;
  } catch {
    return false;
  }
}
