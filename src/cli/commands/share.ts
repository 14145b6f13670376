import { DEFAULT_SHARE_MS, shareAgent } from "../../core/actions/share-agent.ts";
import { usageError } from "../../core/errors.ts";
import { publicShare, readShares, revokeShare } from "../../core/share/share-store.ts";
import { readServerInfo } from "../../ui/server/server-info.ts";
import { DEFAULT_UI_PORT } from "./ui.ts";
import { parseDurationFlag } from "../parse-duration.ts";
import { renderTable } from "../render/table.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

interface ShareOptions extends CommonOptions {
  readOnly?: boolean;
  expires?: string;
  list?: boolean;
  revoke?: string;
}

export async function run(ref: string | undefined, options: ShareOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const modes = [ref !== undefined, options.list === true, options.revoke !== undefined];
  if (modes.filter(Boolean).length !== 1) {
    throw usageError(
      "give an agent to share, or --list, or --revoke ID",
      "fleet share docs --read-only --expires 2h",
    );
  }
  if (options.list === true) {
    const shares = readShares(context.env).map((share) => publicShare(share));
    if (context.format === "json") return printJson({ shares });
    if (shares.length === 0) return printText("No share links.");
    printText(
      renderTable(
        ["ID", "AGENT", "ACCESS", "EXPIRES"],
        shares.map((s) => [
          s.id,
          `${s.name}@${s.host}`,
          s.readOnly ? "watch" : "control",
          s.expired ? `expired ${s.expiresAt}` : s.expiresAt,
        ]),
      ),
    );
    return;
  }
  if (options.revoke !== undefined) {
    const record = await revokeShare(context.env, options.revoke);
    if (context.format === "json") return printJson({ revoked: record.id });
    printText(`Revoked ${record.id} (${record.name}@${record.host}); its sessions are cut.`);
    return;
  }
  const expiresInMs =
    options.expires === undefined
      ? DEFAULT_SHARE_MS
      : parseDurationFlag(options.expires, "--expires");
  const { record, token } = await shareAgent(ref ?? "", context, {
    readOnly: options.readOnly === true,
    expiresInMs,
  });
  const server = await readServerInfo(context.env);
  const base = server?.base ?? `http://127.0.0.1:${DEFAULT_UI_PORT}`;
  const url = `${base}/s/${token}`;
  if (context.format === "json") {
    const { expired: _expired, ...share } = publicShare(record);
    return printJson({ ...share, url, serving: server !== undefined });
  }
  printText(url);
  const access = record.readOnly ? "watch only" : "watch and take control";
  printText(
    `Link ${record.id} to ${record.name}@${record.host} (${access}) until ${record.expiresAt}. Revoke it with \`fleet share --revoke ${record.id}\`.`,
    "stderr",
  );
  if (server === undefined) {
    printText("fleet ui is not running: the link works once `fleet ui` serves it.", "stderr");
  }
}
