/**
 * fleet's implementation of the LanguageRuntime service for Node.js programs.
 *
 * Run is the one that matters: it runs the program in a child Node process through
 * the SDK's runner (runner-command.ts). The others answer what `pulumi preview`,
 * `up`, `destroy`, `refresh` and `about` ask of a language host: no plugins to
 * pre-install (providers load when the program registers a resource of theirs), no
 * dependencies to install (run `npm ci` yourself), no prompts. Methods left out
 * (code generation, Pack, Link, Template, RunPlugin) answer UNIMPLEMENTED, which
 * grpc-js does for any method not given here.
 */
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import { createRequire } from "node:module";
import { programDependencies } from "./program-dependencies.ts";
import { runProgram, stopPrograms } from "./program-process.ts";
import { emptyMessage, languagePb, pluginPb, type LanguageRuntimeServer } from "./proto.ts";
import { findRunner, runnerCommand } from "./runner-command.ts";
import { runSpecFrom, type HostContext } from "./run-spec.ts";

/** The SDK version fleet depends on; this host reports it as its own. */
export const SDK_VERSION = (
  createRequire(import.meta.url)("@pulumi/pulumi/package.json") as { version: string }
).version;

export interface ServiceOptions {
  host: HostContext;
  /** Writes one diagnostic line (only when the CLI asked for verbose logs). */
  debug: (message: string) => void;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

function unary<Req, Res>(handler: (request: Req) => Res | Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
  };
}

/** The methods this host implements. */
export type ImplementedMethods = Pick<
  LanguageRuntimeServer,
  | "handshake"
  | "getPluginInfo"
  | "getRequiredPlugins"
  | "getRequiredPackages"
  | "run"
  | "installDependencies"
  | "runtimeOptionsPrompts"
  | "about"
  | "getProgramDependencies"
  | "cancel"
>;

export function languageService(options: ServiceOptions): ImplementedMethods {
  const { host, debug } = options;
  return {
    handshake: unary((req: languagePb.LanguageHandshakeRequest) => {
      host.engineAddress = req.getEngineAddress() || host.engineAddress;
      if (req.hasRootDirectory()) host.rootDirectory = req.getRootDirectory();
      if (req.hasProgramDirectory()) host.programDirectory = req.getProgramDirectory();
      debug(`handshake: engine ${host.engineAddress ?? "(none)"}`);
      return new languagePb.LanguageHandshakeResponse();
    }),

    getPluginInfo: unary(() => {
      const info = new pluginPb.PluginInfo();
      info.setVersion(SDK_VERSION);
      return info;
    }),

    getRequiredPlugins: unary(() => {
      const response = new languagePb.GetRequiredPluginsResponse();
      response.setPluginsList([]);
      return response;
    }),

    getRequiredPackages: unary(() => {
      const response = new languagePb.GetRequiredPackagesResponse();
      response.setPackagesList([]);
      return response;
    }),

    run: unary(async (req: languagePb.RunRequest) => {
      const response = new languagePb.RunResponse();
      const spec = runSpecFrom(req, host);
      if (req.getAttachDebugger()) {
        debug("run: attaching a debugger is not supported; running without one");
      }
      const runner = findRunner(spec.programDirectory, spec.rootDirectory);
      const command = runnerCommand(spec, runner, process.execPath, process.env);
      debug(`run: ${command.command} ${command.args.join(" ")} (in ${command.cwd})`);
      const result = await runProgram(command);
      debug(`run: done (error: ${result.error || "none"}, bail: ${result.bail})`);
      response.setError(result.error);
      response.setBail(result.bail);
      return response;
    }),

    installDependencies: (
      call: ServerWritableStream<
        languagePb.InstallDependenciesRequest,
        languagePb.InstallDependenciesResponse
      >,
    ) => {
      // Nothing to do: fleet's programs use the node_modules `npm ci` made.
      call.end();
    },

    runtimeOptionsPrompts: unary(() => {
      const response = new languagePb.RuntimeOptionsResponse();
      response.setPromptsList([]);
      return response;
    }),

    about: unary(() => {
      const response = new languagePb.AboutResponse();
      response.setExecutable(process.execPath);
      response.setVersion(process.version);
      response.getMetadataMap().set("host", "fleet");
      return response;
    }),

    getProgramDependencies: unary((req: languagePb.GetProgramDependenciesRequest) => {
      const info = req.getInfo();
      const dir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
      const response = new languagePb.GetProgramDependenciesResponse();
      response.setDependenciesList(
        programDependencies(dir).map((dep) => {
          const entry = new languagePb.DependencyInfo();
          entry.setName(dep.name);
          entry.setVersion(dep.version);
          return entry;
        }),
      );
      return response;
    }),

    cancel: unary(() => {
      debug("cancel: stopping running programs");
      stopPrograms();
      return emptyMessage();
    }),
  };
}
