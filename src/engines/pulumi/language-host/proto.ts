/**
 * The LanguageRuntime service's generated stubs, as @pulumi/pulumi ships them
 * (CommonJS, google-protobuf messages). One place imports them, so the rest of the
 * host names messages through this module.
 */
import languageGrpc from "@pulumi/pulumi/proto/language_grpc_pb.js";
import languagePb from "@pulumi/pulumi/proto/language_pb.js";
import pluginPb from "@pulumi/pulumi/proto/plugin_pb.js";

export { languagePb, pluginPb };

/** The service definition to add to a grpc-js server. */
export const LanguageRuntimeService = languageGrpc.LanguageRuntimeService;

/** The implementation type the service expects. */
export type LanguageRuntimeServer = languageGrpc.ILanguageRuntimeServer;

/** google.protobuf.Empty, the answer of Cancel, made without importing google-protobuf ourselves. */
export function emptyMessage(): ReturnType<
  typeof LanguageRuntimeService.cancel.responseDeserialize
> {
  return LanguageRuntimeService.cancel.responseDeserialize(Buffer.alloc(0));
}

/** A ProgramInfo's runtime options (Pulumi.yaml `runtime.options`) as plain values. */
export function runtimeOptions(info: languagePb.ProgramInfo | undefined): Record<string, unknown> {
  const options = info?.getOptions()?.toJavaScript();
  return options !== undefined && typeof options === "object" ? options : {};
}
