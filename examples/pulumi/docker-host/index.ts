/**
 * A Docker container made by @pulumi/docker becomes a fleet host, and fleet
 * agents run on it. The container runs sshd on a free port of 127.0.0.1, with
 * a host key and an authorized key from the stack's config; fleet reaches it as
 * an SSH host whose name is the container's name and whose port is the one
 * Docker published (both outputs of the container), its host key pinned.
 *
 *   ssh-keygen -t ed25519 -N "" -f hostkey
 *   pulumi config set hostKey "$(cat hostkey.pub)"
 *   pulumi config set --secret hostPrivateKey < hostkey
 *   pulumi config set authorizedKey "$(cat ~/.ssh/id_ed25519.pub)"
 *   pulumi up
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as fleet from "fleet/pulumi";

const config = new pulumi.Config();
const fleetName = config.get("fleet") ?? "docker-host";
// Any image with sshd, tmux, git and flock: fleet's base image has them.
const image = config.get("image") ?? "fleet/base:bookworm";
const hostKey = config.require("hostKey");
const hostPrivateKey = config.requireSecret("hostPrivateKey");
const authorizedKey = config.require("authorizedKey");
// The private half of authorizedKey, for fleet's ssh; default: what ssh would use.
const identityFile = config.get("identityFile");

const HOST_KEY_FILE = "/etc/ssh/ssh_host_ed25519_key";

export const container = new docker.Container("agents-box", {
  name: config.get("containerName") ?? "agents-box",
  image,
  // Only the pinned key is served; root logs in with the authorized key only.
  command: [
    "/bin/sh",
    "-c",
    `mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -o HostKey=${HOST_KEY_FILE} -o PasswordAuthentication=no`,
  ],
  // A free port on this machine's loopback only.
  ports: [{ internal: 22, ip: "127.0.0.1" }],
  uploads: [
    { file: HOST_KEY_FILE, content: hostPrivateKey, permissions: "0600" },
    { file: `${HOST_KEY_FILE}.pub`, content: hostKey, permissions: "0644" },
    { file: "/root/.ssh/authorized_keys", content: authorizedKey, permissions: "0600" },
  ],
  restart: "unless-stopped",
});

const sshPort = container.ports.apply((ports) => {
  const external = ports?.[0]?.external;
  if (external === undefined) throw new Error("Docker published no port for the container's sshd");
  return external;
});

/** The container as a fleet host: named as the container is, on the port Docker chose. */
export const host = new fleet.Host("agents-box", {
  fleet: fleetName,
  name: container.name,
  provider: "ssh",
  address: "root@127.0.0.1",
  port: sshPort,
  hostKey,
  ...(identityFile === undefined ? {} : { identityFile }),
});

export const reviewer = new fleet.Agent("reviewer", {
  host,
  agent: "claude",
  args: ["--model", "sonnet"],
  // A name: the provider reads its value from its own environment at `pulumi up`.
  secrets: ["ANTHROPIC_API_KEY"],
  message: "Review the last commit of this repository and write your notes to REVIEW.md.",
  workdir: { from: config.get("repo") ?? "." },
  idleTimeout: "30m",
});

export const logger = new fleet.Agent("uptime", {
  host,
  agent: "command",
  command: "while true; do uptime; sleep 60; done",
  labels: { role: "watch" },
});

export const hostName = host.spec.name;
export const port = sshPort;
