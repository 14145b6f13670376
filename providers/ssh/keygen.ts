/**
 * `fleet host keygen NAME`: an ed25519 key for one host under
 * FLEET_HOME/ssh/keys/NAME (0600), its public half appended to the host's
 * ~/.ssh/authorized_keys over the login that works today (host key checked as
 * always). The key takes its final name only once it is installed and a login
 * with it alone has worked, so a failure leaves nothing half-done.
 */
import { hostname } from "node:os";
import { chmod, mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { shellQuote as q } from "../../src/core/contracts/transport.ts";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { SshConnection } from "./connection.ts";
import { fingerprint, parseKeys } from "./host-keys.ts";
import { hostKeyFile } from "./paths.ts";
import { forgetSessions } from "./session.ts";
import { runProcess } from "./ssh-process.ts";
import { remoteCommand } from "./transport.ts";
import { lastLine } from "../../src/core/host/local-git.ts";

export interface KeygenResult {
  host: string;
  address: string;
  /** The private key; the public one is next to it with `.pub`. */
  keyFile: string;
  fingerprint: string;
  /** False when the host already had the key in authorized_keys. */
  installed: boolean;
  /** The fleet file's identityFile, which still takes precedence over this key. */
  shadowedBy: string | undefined;
}

export async function generateHostKey(
  env: FleetEnv,
  host: HostSpec,
  options: { processEnv?: NodeJS.ProcessEnv; interactive?: boolean } = {},
): Promise<KeygenResult> {
  const processEnv = options.processEnv ?? process.env;
  const keyFile = hostKeyFile(env, host.name);
  if (await exists(keyFile)) {
    throw new FleetError("KEY_EXISTS", `host ${host.name} already has a fleet key: ${keyFile}`, {
      hint: `fleet logs in with it; to make a new one, delete ${keyFile} and ${keyFile}.pub first`,
    });
  }
  const pending = `${keyFile}.new`;
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await rm(pending, { force: true });
  await rm(`${pending}.pub`, { force: true });
  try {
    const made = await runProcess(
      "ssh-keygen",
      ["-q", "-t", "ed25519", "-N", "", "-C", `fleet-${host.name}@${hostname()}`, "-f", pending],
      { env: processEnv },
    );
    if (made.code !== 0) {
      throw new FleetError("KEYGEN_FAILED", `ssh-keygen failed: ${lastLine(made.stderr)}`, {
        fault: "system",
      });
    }
    await chmod(pending, 0o600);
    const publicKey = (await readFile(`${pending}.pub`, "utf8")).trim();
    const [key] = parseKeys(publicKey);
    if (!key)
      throw new FleetError("KEYGEN_FAILED", "ssh-keygen wrote no public key", { fault: "system" });

    // Over the login that works today: the new key is not in place yet.
    const connection = new SshConnection(host, env, processEnv);
    await connection.prepare();
    const installed = await connection.run(remoteCommand(["sh", "-c", INSTALL, "sh", publicKey]), {
      batchMode: options.interactive !== true,
    });
    if (installed.code !== 0) {
      throw new FleetError(
        "KEY_INSTALL_FAILED",
        `cannot add the key to ~/.ssh/authorized_keys on ${host.name}: ${lastLine(installed.stderr) || `exit code ${installed.code}`}`,
        { fault: "system" },
      );
    }
    await verifyLogin(connection, pending);
    await rename(`${pending}.pub`, `${keyFile}.pub`);
    await rename(pending, keyFile);
    forgetSessions();
    return {
      host: host.name,
      address: connection.words.address,
      keyFile,
      fingerprint: fingerprint(key),
      installed: installed.stdout.includes("added"),
      shadowedBy: connection.config.identityFile,
    };
  } finally {
    await rm(pending, { force: true });
    await rm(`${pending}.pub`, { force: true });
  }
}

const INSTALL = [
  "umask 077",
  'mkdir -p "$HOME/.ssh" || exit 1',
  'f="$HOME/.ssh/authorized_keys"',
  'touch "$f" || exit 1',
  'if grep -qxF "$1" "$f"; then echo present; else printf "%s\\n" "$1" >> "$f" || exit 1; echo added; fi',
].join("\n");

/** A fresh connection with only the new key: proves the host accepts it. */
async function verifyLogin(connection: SshConnection, key: string): Promise<void> {
  const result = await runProcess(
    "ssh",
    [...connection.sshOptions({ only: key }), "-T", "--", connection.config.address, "true"],
    { env: connection.processEnv, timeoutMs: 30_000 },
  );
  if (result.code !== 0) {
    throw new FleetError(
      "KEY_NOT_ACCEPTED",
      `the key was added to ~/.ssh/authorized_keys on ${connection.host.name}, but a login with it failed: ${lastLine(result.stderr) || `exit code ${result.code}`}`,
      {
        fault: "system",
        hint: `the host's sshd may read keys from elsewhere (AuthorizedKeysFile); ${q("~/.ssh/authorized_keys")} there now holds an unused fleet key you can remove`,
      },
    );
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}
