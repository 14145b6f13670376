/**
 * Text that came from a host, a file or the user, made harmless to print: every
 * character a terminal could act on (C0 and C1 controls, DEL, ESC) and every
 * bidi control that could reorder what the reader sees is shown as a visible
 * escape (`\x1b`, `\u202e`). Nothing is removed, so the reader sees that the
 * text held something odd.
 */
/* eslint-disable no-control-regex -- matching control characters is what this file does */

/*
 * C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), the bidi embeddings, overrides
 * and isolates, the implicit marks, and the line/paragraph separators (which
 * some terminals and most editors break lines at).
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_BUT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `\x1b` for C0/DEL/C1 below U+0100, `\u202e` above. */
export function visibleEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code === 0x0a) return "\\n";
  if (code === 0x09) return "\\t";
  if (code === 0x0d) return "\\r";
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One line: newlines and tabs are escaped too (a name, a label, a table cell). */
export function safeText(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** Several lines (an error, a transcript): newline and tab stay, everything else as in safeText. */
export function safeLines(text: string): string {
  return text.replace(UNSAFE_BUT_LINES, visibleEscape);
}

/**
 * The CLI's own colours (SGR sequences fleet writes) survive; any other escape
 * sequence in already rendered text is shown escaped. For renderers that paint
 * as they compose: a last pass over their whole output.
 */
const OWN_SGR = /\u001b\[(?:1|2|22|31|32|33|34|35|36|39)m/gu;
export function safeRendered(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(OWN_SGR)) {
    out += safeLines(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + safeLines(text.slice(last));
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON as harmless in a terminal as safe text, and still the same JSON: it
 * escapes C0 controls itself; DEL, C1 and bidi controls become `\uXXXX` too.
 */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
