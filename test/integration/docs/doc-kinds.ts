/**
 * Which check owns each fenced block of the docs. A block is recognised by what it
 * holds; the few that no check can run are exempted by file and first line, each
 * with the reason (usually: the test that covers what it shows).
 */
import { firstLine, fleetCommandLines, type DocBlock } from "../../helpers/doc-blocks.ts";

export type BlockKind =
  | "fleet-file" // a whole fleet file: validated as it is (doc-fleet-files)
  | "fleet-fragment" // part of one: validated inside the README's example (doc-fleet-files)
  | "fleet-ts" // a fleet.ts: validated (doc-fleet-files)
  | "validation-errors" // error lines: reproduced exactly (doc-fleet-files)
  | "commands" // fleet command lines and synopses: commands and flags exist (doc-commands)
  | "readme-run" // run for real, in order (readme-flow)
  | "plan-text" // plan output: compared with a real plan (plan-output)
  | "json-shape" // a JSON document fleet prints: keys compared with real output (readme-flow, plan-output)
  | "npm-scripts" // `npm ...` lines: the scripts and files named exist (doc-commands)
  | "layout" // a tree of paths: each path exists (readme-flow, doc-commands)
  | "log-line" // `fleet logs` output: the same columns as a real line (readme-flow)
  | "saved-work" // a saved-work notice: reproduced from a real destroy (cli/design-example)
  | "pulumi-program" // a Pulumi program using fleet/pulumi: run under mocks, type-checked (doc-pulumi-sdk)
  | "pulumi-project" // a Pulumi.yaml: the examples' own (doc-pulumi-sdk)
  | "mcp-client" // an MCP client's config or command for fleet mcp: each started and connected (doc-mcp-clients)
  | "plugin-source" // a file of examples/plugins shown whole: compared with the file (doc-plugins)
  | "plugin-fleet-file" // docs/plugins.md's podman fleet file: applied on podman (plugins/podman-plugin)
  | "exempt";

/** file -> first line -> why no check runs it. */
export const EXEMPT: Record<string, Record<string, string>> = {
  "docs/fleet-file.md": {
    "# yaml-language-server: $schema=./node_modules/fleet/docs/fleet.schema.json":
      "an editor modeline; the schema it names is checked by test/unit/config/json-schema.test.ts",
    '{ "yaml.schemas": { "./node_modules/fleet/docs/fleet.schema.json": ["fleet.yaml", "fleet.yml"] } }':
      "VS Code settings, not fleet's",
  },
  "docs/idle.md": {
    'touch "$FLEET_AGENT_DIR/activity/agent"':
      "run by an agent; test/integration/idle/reconcile-idle.test.ts touches the same marker",
  },
  "docs/pulumi.md": {
    'export PULUMI_BACKEND_URL="file://$HOME/.fleet/pulumi/state"     # fleet\'s, for FLEET_HOME=~/.fleet':
      "pulumi's own commands, on a user's ~/.fleet; test/integration/pulumi/root-project.test.ts runs them on a sandbox's stacks",
  },
  "docs/ui.md": {
    "Open http://127.0.0.1:7377/?token=3Vw…hQ in your browser to see your agents. Ctrl-C stops.":
      "what fleet ui prints; test/integration/ui/ui-browser.test.ts checks the real line",
    "ssh -N -L 7377:127.0.0.1:7377 you@build-box":
      "ssh's own command; test/integration/ui/ui-tunnel.test.ts runs it against a real sshd",
  },
  "docs/ssh.md": {
    "ssh -o BatchMode=yes -o ControlMaster=auto -o ControlPath=FLEET_HOME/ssh/cm/<hash>":
      "ssh's own options; test/integration/ssh/ runs fleet through them against a real sshd",
  },
  "docs/team-workflow.md": {
    " pull request ──> fleet validate, fleet plan ──> plan as a PR comment, plan.json kept":
      "a diagram; its workflow is examples/github-workflow.yml, parsed by test/unit/idle/examples.test.ts",
  },
  "docs/testing.md": {
    "debootstrap --variant=minbase \\":
      "what scripts/build-base-image.sh runs (with this machine's mirror); CI runs that script",
  },
};

/** A block's kind: what it holds decides first; only a block no check recognises is exempted. */
export function blockKind(block: DocBlock): BlockKind | undefined {
  const kind = contentKind(block);
  if (kind !== undefined) return kind;
  return EXEMPT[block.file]?.[firstLine(block)] === undefined ? undefined : "exempt";
}

function contentKind(block: DocBlock): BlockKind | undefined {
  const first = firstLine(block);
  const body = block.body;
  const sdkDoc = block.file === "docs/pulumi-sdk.md";
  if (block.file === "docs/plugins.md") {
    if (/^\/\/ examples\/plugins\/\S+$/.test(first)) return "plugin-source";
    // Its provider is a plugin's: the podman test adds the plugin, then applies it.
    if (block.lang === "yaml" && /^\s+provider: podman$/m.test(body)) return "plugin-fleet-file";
  }
  if (block.lang === "yaml") {
    if (/^version:/m.test(body)) return "fleet-file";
    if (sdkDoc && /^runtime:/m.test(body)) return "pulumi-project";
    if (/^(agents|hosts|templates):/m.test(body)) return "fleet-fragment";
    return undefined;
  }
  if (block.file === "docs/mcp.md" && mcpClientBlock(block)) return "mcp-client";
  if (sdkDoc && block.lang === "ts" && body.includes('from "fleet/pulumi"'))
    return "pulumi-program";
  if (block.lang === "ts" && body.includes("defineFleet(")) return "fleet-ts";
  if (/^fleet\.yaml:\d+:\d+: /.test(first)) return "validation-errors";
  if (block.file === "README.md" && block.lang === "sh" && /^(npm install|alias fleet)/.test(first))
    return "readme-run";
  if (block.lang === "console" && /^\$ fleet plan/.test(first)) return "plan-text";
  if (/^\s*# agents\.\S+ (must be replaced|will be)/.test(first)) return "plan-text";
  if (block.lang === "json" && /"format_version"/.test(body)) return "json-shape";
  if (block.lang === "text" && /"kind": "fleet-plan"/.test(body)) return "json-shape";
  if (/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}\w+/.test(first)) return "log-line";
  if (/^Saved work of \S+ \((bundle|branch|archive)\): /.test(first)) return "saved-work";
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  if (lines.every((line) => /^(npm |node --test )/.test(line))) return "npm-scripts";
  if (/^(<fleetDir>\/agents\/|src\/cli\/ )/.test(first)) return "layout";
  const commands = fleetCommandLines(block);
  if (commands.length > 0 && lines.every((line) => /^\s*(fleet |\$ fleet |\[|\s{4,})/.test(line)))
    return "commands";
  return undefined;
}

/** docs/mcp.md's client setups: a JSON or TOML config, or `claude mcp add` / inspector lines. */
function mcpClientBlock(block: DocBlock): boolean {
  if (block.lang === "json") return block.body.includes('"mcpServers"');
  if (block.lang === "toml") return block.body.includes("[mcp_servers.");
  const lines = block.body.split("\n").filter((line) => line.trim() !== "");
  return (
    block.lang === "sh" &&
    lines.every((line) =>
      /^(claude mcp add |npx @modelcontextprotocol\/inspector --cli )/.test(line),
    )
  );
}
