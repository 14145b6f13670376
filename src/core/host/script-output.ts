/**
 * Scripts answer several questions in one round trip; their output is cut into
 * sections by marker lines `@@fleet:<section>`.
 */
const MARKER = /^@@fleet:([a-z-]+)$/;

export function sections(stdout: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split("\n")) {
    const marker = MARKER.exec(line);
    if (marker?.[1] !== undefined) {
      current = [];
      result.set(marker[1], current);
    } else if (current && line !== "") {
      current.push(line);
    }
  }
  return result;
}

/** Splits raw output at the first `@@fleet:payload` line: text before, bytes after. */
export function splitPayload(stdout: Buffer): { text: string; payload: Buffer | undefined } {
  const marker = Buffer.from("@@fleet:payload\n");
  let at = stdout.indexOf(marker);
  while (at > 0 && stdout[at - 1] !== 0x0a) at = stdout.indexOf(marker, at + 1);
  if (at === -1) return { text: stdout.toString("utf8"), payload: undefined };
  return {
    text: stdout.subarray(0, at).toString("utf8"),
    payload: stdout.subarray(at + marker.length),
  };
}
