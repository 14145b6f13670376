/**
 * What a message may contain before it is typed into an agent's terminal. A
 * message is text: newlines and tabs are its only control characters. Anything
 * else a terminal acts on (ESC and so every escape sequence, the paste-bracket
 * end `ESC[201~` included, Ctrl-C and the other C0 controls, DEL, the C1
 * controls) would become keystrokes, so the message is refused before anything
 * is typed, naming the character and where it is. Keys are sent on purpose
 * only with `--keys`, by name, from {@link KEY_NAMES}.
 */
import { FleetError } from "../errors.ts";

const C0_NAMES = [
  "NUL",
  "SOH",
  "STX",
  "ETX",
  "EOT",
  "ENQ",
  "ACK",
  "BEL",
  "BS",
  "HT",
  "LF",
  "VT",
  "FF",
  "CR",
  "SO",
  "SI",
  "DLE",
  "DC1",
  "DC2",
  "DC3",
  "DC4",
  "NAK",
  "SYN",
  "ETB",
  "CAN",
  "EM",
  "SUB",
  "ESC",
  "FS",
  "GS",
  "RS",
  "US",
];

export interface UnsafeCharacter {
  /** Like `ESC (\x1b)` or `ETX (Ctrl-C, \x03)`. */
  description: string;
  line: number;
  column: number;
  /** 1-based, in characters (code points) from the start of the message. */
  position: number;
}

// eslint-disable-next-line no-control-regex -- the characters a message may not hold
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/** The first character a terminal would act on, or undefined when the text is safe to type. */
export function findUnsafeCharacter(text: string): UnsafeCharacter | undefined {
  if (!FORBIDDEN.test(text)) return undefined;
  let line = 1;
  let column = 0;
  let position = 0;
  for (const char of text) {
    position += 1;
    column += 1;
    if (char === "\n") {
      line += 1;
      column = 0;
      continue;
    }
    if (FORBIDDEN.test(char)) return { description: describe(char), line, column, position };
  }
  return undefined;
}

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `\\x${code.toString(16).padStart(2, "0")}`;
  if (code === 0x7f) return `DEL (${hex})`;
  if (code >= 0x80)
    return `C1 control U+${code.toString(16).toUpperCase().padStart(4, "0")} (${hex})`;
  const name = C0_NAMES[code] ?? "control";
  const ctrl = String.fromCharCode(code + 0x40);
  return /[A-Z]/.test(ctrl) ? `${name} (Ctrl-${ctrl}, ${hex})` : `${name} (${hex})`;
}

/** A CRLF file is a text file: its line ends become newlines. A lone CR is refused. */
export const normalizeLineEnds = (text: string): string => text.replace(/\r\n/g, "\n");

/** Throws when the message holds a character that would be typed as a key. */
export function assertTypeable(text: string, what: string): void {
  const found = findUnsafeCharacter(text);
  if (!found) return;
  throw new FleetError(
    "MESSAGE_UNSAFE",
    `${what} contains ${found.description} at line ${found.line}, column ${found.column} ` +
      `(character ${found.position}); it would be typed as a key, so nothing was sent`,
    {
      hint: "a message is text (newlines and tabs are fine): remove the control character; to press keys on purpose use `fleet message NAME --keys C-c Enter`",
      details: { line: found.line, column: found.column, position: found.position },
    },
  );
}

/** Characters as a person counts them (code points), for "Sent N characters". */
export function characterCount(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}

/**
 * The longest line in bytes: what a terminal in canonical mode must hold at
 * once (Linux keeps at most 4095 bytes of a line and drops the rest).
 */
export function longestLineBytes(text: string): number {
  let longest = 0;
  for (const line of text.split("\n")) longest = Math.max(longest, Buffer.byteLength(line));
  return longest;
}

/** Linux's N_TTY line buffer is 4096 bytes, one of them for the newline. */
export const CANONICAL_LINE_LIMIT = 4095;

const NAMED_KEYS = [
  "Enter",
  "Escape",
  "Tab",
  "BTab",
  "Space",
  "BSpace",
  "Up",
  "Down",
  "Left",
  "Right",
  "Home",
  "End",
  "PageUp",
  "PageDown",
  "PPage",
  "NPage",
  "IC",
  "DC",
  "Insert",
  "Delete",
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
];
/** Modifiers then a named key, a letter or a digit: `C-c`, `M-x`, `S-Tab`, `C-M-a`, `Enter`. */
const KEY_PATTERN = new RegExp(`^(?:[CMS]-){0,3}(?:${NAMED_KEYS.join("|")}|[a-zA-Z0-9])$`);

/** The tmux key names `--keys` accepts. */
export const KEY_NAMES: readonly string[] = NAMED_KEYS;

export function assertKeyNames(keys: readonly string[]): void {
  if (keys.length === 0) {
    throw new FleetError("USAGE", "--keys needs at least one key name", {
      exitCode: 2,
      hint: "e.g. `fleet message NAME --keys C-c Enter`",
    });
  }
  for (const key of keys) {
    if (!KEY_PATTERN.test(key)) {
      throw new FleetError("USAGE", `"${key}" is not a key name --keys sends`, {
        exitCode: 2,
        hint: `use tmux key names: ${NAMED_KEYS.slice(0, 11).join(", ")}, F1-F12, a letter or digit, with C-, M- or S- in front (C-c, M-x)`,
      });
    }
  }
}
