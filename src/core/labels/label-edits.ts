/**
 * `fleet label` arguments as kubectl writes them: `key=value` sets a label,
 * `key-` removes one. Keys follow the fleet file's rule and end in a letter or
 * digit, and values carry no comma or control character, so that every label
 * `fleet label` sets can be picked again with `-l key=value`. `owner` is
 * fleet's own (kept on the controller by `fleet handoff`), never set here.
 */
import { LABEL_KEY_PATTERN } from "../config/schema.ts";
import { usageError } from "../errors.ts";
import { OWNER_LABEL } from "../owners/owner-store.ts";

export const MAX_LABEL_VALUE = 256;

export type LabelEdit = { op: "set"; key: string; value: string } | { op: "remove"; key: string };

const SELECTABLE_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
// C0 and C1 controls, DEL, and the bidi overrides that could make a value read as another.
// eslint-disable-next-line no-control-regex -- the characters a label value may not hold
const UNSAFE_VALUE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export function parseLabelEdits(args: readonly string[]): LabelEdit[] {
  if (args.length === 0) {
    throw usageError("give at least one label: key=value to set it, key- to remove it");
  }
  const edits = args.map(parseEdit);
  const seen = new Set<string>();
  for (const edit of edits) {
    if (seen.has(edit.key)) throw usageError(`label "${edit.key}" is given more than once`);
    seen.add(edit.key);
  }
  return edits;
}

function parseEdit(text: string): LabelEdit {
  const eq = text.indexOf("=");
  if (eq < 0) {
    if (text.endsWith("-")) return { op: "remove", key: checkKey(text.slice(0, -1), text) };
    throw usageError(
      `"${text}" is not a label: write key=value to set it, key- to remove it`,
      "fleet label scratch role=review tier-",
    );
  }
  const key = checkKey(text.slice(0, eq), text);
  const value = text.slice(eq + 1);
  if (value.length > MAX_LABEL_VALUE) {
    throw usageError(
      `the value of label "${key}" is ${value.length} characters; at most ${MAX_LABEL_VALUE}`,
    );
  }
  if (value.includes(",") || UNSAFE_VALUE.test(value) || value !== value.trim()) {
    throw usageError(
      `the value of label "${key}" cannot be selected with -l`,
      "a value holds no comma, no control character and no leading or trailing space",
    );
  }
  return { op: "set", key, value };
}

function checkKey(key: string, text: string): string {
  if (key === OWNER_LABEL) {
    throw usageError(
      "the owner label is fleet's: it says who the agent is handed to",
      "change it with `fleet handoff NAME --to OWNER`",
    );
  }
  if (!LABEL_KEY_PATTERN.test(key) || !SELECTABLE_KEY.test(key)) {
    throw usageError(
      `invalid label key in "${text}"`,
      "a key is 1-128 letters, digits and . _ / -, starting and ending with a letter or digit",
    );
  }
  return key;
}

/** The labels after the edits, and which keys actually changed. */
export function applyLabelEdits(
  labels: Readonly<Record<string, string>>,
  edits: readonly LabelEdit[],
): { labels: Record<string, string>; set: string[]; removed: string[] } {
  const next = new Map(Object.entries(labels));
  const set: string[] = [];
  const removed: string[] = [];
  for (const edit of edits) {
    if (edit.op === "set") {
      if (next.get(edit.key) !== edit.value) set.push(edit.key);
      next.set(edit.key, edit.value);
    } else if (next.delete(edit.key)) {
      removed.push(edit.key);
    }
  }
  return { labels: Object.fromEntries(next), set, removed };
}
