import type { IoHost } from "../core/io.ts";

/**
 * First Ctrl-C: stop starting new work and let what is in flight finish.
 * Second Ctrl-C: leave at once.
 */
export function gracefulInterrupt(io: IoHost): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    io.notify({
      level: "warn",
      code: "interrupt",
      message:
        "interrupted: no new changes will start; waiting for those in flight (Ctrl-C again to leave now)",
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
