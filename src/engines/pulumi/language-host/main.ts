/**
 * fleet's `pulumi-language-nodejs`: the Node.js language host the pulumi CLI
 * starts to run a project whose Pulumi.yaml says `runtime: nodejs`. Started by
 * bin/pulumi-language-nodejs. See docs/pulumi-language-host.md.
 *
 * Plugin protocol: serve gRPC on a loopback port, print that port and a newline
 * on stdout, serve until killed. The CLI sends SIGINT to the plugin's process
 * group to stop it (the running program is in that group too), SIGKILL after 5 s.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { parseHostArgs } from "./host-args.ts";
import { languageService } from "./language-service.ts";
import { stopPrograms } from "./program-process.ts";
import { LanguageRuntimeService } from "./proto.ts";
import type { HostContext } from "./run-spec.ts";

/** As large as the engine's own limit: a RunRequest carries the whole config. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseHostArgs(argv);
  const host: HostContext = {
    engineAddress: args.engineAddress,
    tracing: args.tracing,
    rootDirectory: undefined,
    programDirectory: undefined,
  };
  const verbose = args.verbose > 0 && args.logToStderr;
  const debug = (message: string): void => {
    if (verbose) process.stderr.write(`fleet language host: ${message}\n`);
  };

  const server = new Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  server.addService(LanguageRuntimeService, languageService({ host, debug }));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  process.stdout.write(`${port}\n`);
  debug(`serving on 127.0.0.1:${port} (engine ${host.engineAddress ?? "unknown"})`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopPrograms(1000);
      server.forceShutdown();
      // Exit now: the CLI waits for this process before it goes on.
      process.exit(0);
    });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `fleet language host: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
