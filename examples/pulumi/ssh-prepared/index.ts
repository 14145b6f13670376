/**
 * An SSH machine prepared by @pulumi/command before fleet uses it: a
 * `remote.Command` installs what fleet needs there (tmux, git, flock), and the
 * fleet host, hence every agent on it, is declared after that command.
 *
 *   pulumi config set address dev@build-1
 *   pulumi config set hostKey "$(ssh-keyscan -t ed25519 build-1 | cut -d' ' -f2-)"   # check it!
 *   pulumi config set identityFile ~/.ssh/id_ed25519
 *   pulumi up
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as fleet from "fleet/pulumi";

const config = new pulumi.Config();
const fleetName = config.get("fleet") ?? "ssh-prepared";
const address = config.require("address");
const port = config.getNumber("port") ?? 22;
const hostKey = config.require("hostKey");
const identityFile = config.require("identityFile").replace(/^~(?=\/|$)/, homedir());

const at = address.lastIndexOf("@");
const user = at < 0 ? undefined : address.slice(0, at);
const machine = address.slice(at + 1);

/** Installs tmux, git and flock (util-linux) unless they are there; root or passwordless sudo. */
export const PREPARE_SCRIPT = `set -eu
if command -v tmux >/dev/null && command -v git >/dev/null && command -v flock >/dev/null; then
  echo "tmux, git and flock are installed"; exit 0
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q tmux git util-linux
elif command -v dnf >/dev/null; then $sudo dnf install -y tmux git util-linux
elif command -v apk >/dev/null; then $sudo apk add --no-cache tmux git util-linux
else echo "no apt-get, dnf or apk here: install tmux, git and flock by hand" >&2; exit 1
fi`;

export const prepare = new command.remote.Command("prepare-box", {
  connection: {
    host: machine,
    port,
    ...(user === undefined ? {} : { user }),
    // The same key fleet logs in with; a secret, so it is encrypted in the stack's state.
    privateKey: pulumi.secret(readFileSync(resolve(identityFile), "utf8")),
    // The same pin fleet uses: a host presenting another key is refused by both.
    hostKey,
  },
  create: PREPARE_SCRIPT,
  // Run again when the script changes.
  triggers: [PREPARE_SCRIPT],
});

/** The machine as a fleet host, declared after it was prepared. */
export const box = new fleet.Host(
  "box",
  { fleet: fleetName, provider: "ssh", address, port, hostKey, identityFile },
  { dependsOn: [prepare] },
);

export const fixTests = new fleet.Agent("fix-tests", {
  host: box,
  agent: "claude",
  secrets: ["ANTHROPIC_API_KEY"],
  workdir: { from: config.get("repo") ?? "." },
  message: "Find and fix the flaky tests.",
});

export const logWatcher = new fleet.Agent("log-watcher", {
  host: box,
  agent: "command",
  command: "journalctl -f -n 20 2>/dev/null || tail -F /var/log/syslog",
});

export const prepared = prepare.stdout;
