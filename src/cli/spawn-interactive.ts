import { spawn } from "node:child_process";
import type { InteractiveCommand } from "../core/contracts/transport.ts";

/** Runs a command on the user's terminal; resolves with its exit code. */
export function spawnInteractive(command: InteractiveCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      stdio: "inherit",
      env: { ...process.env, ...command.env },
    });
    // The child gets Ctrl-C through the terminal; fleet just waits for it.
    const ignore = (): void => undefined;
    process.on("SIGINT", ignore);
    child.on("error", (error) => {
      process.off("SIGINT", ignore);
      reject(error);
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", ignore);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
