/**
 * Files fleet writes under FLEET_HOME (caches, locks, saved work, remembered
 * hosts): directories 0700 and files 0600 whatever the caller's umask, because
 * they hold what agents did and where hosts are. Modes are given at creation;
 * a file that already exists is narrowed too.
 */
import { mkdirSync, writeFileSync, chmodSync, openSync, closeSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export async function mkdirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export function mkdirPrivateSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  await writeFile(file, data, { mode: PRIVATE_FILE_MODE });
  await chmod(file, PRIVATE_FILE_MODE);
}

export function writePrivateFileSync(file: string, data: string | Uint8Array): void {
  writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Creates the file (empty) when missing, so that a program opening it later (flock) finds it 0600. */
export function touchPrivateFileSync(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
