/**
 * Tiny ANSI colour helpers. Renderers stay pure: they colour only when told to,
 * and the CLI decides with {@link shouldUseColor} (which honours NO_COLOR).
 */

export type ColorStyle = "bold" | "dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan";

const CODES: Record<ColorStyle, readonly [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** `text` in `style` when `enabled`, unchanged otherwise. */
export function paint(enabled: boolean, style: ColorStyle, text: string): string {
  if (!enabled || text === "") return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export type Painter = (style: ColorStyle, text: string) => string;

/** A `paint` bound to one decision, for renderers that colour many pieces. */
export function painter(enabled: boolean): Painter {
  return (style, text) => paint(enabled, style, text);
}

/**
 * Colour when writing to a terminal, unless NO_COLOR is set to anything
 * non-empty (https://no-color.org) or TERM is "dumb". FORCE_COLOR (non-empty,
 * not "0") turns it on even when not a terminal.
 */
export function shouldUseColor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") {
    return true;
  }
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** Removes ANSI escape sequences, e.g. to measure or compare rendered text. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
