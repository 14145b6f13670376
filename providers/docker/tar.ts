/**
 * Reading the tar archives the Engine's archive endpoint returns (ustar, with
 * PAX or GNU long names): enough to pick a few small files out of one.
 */
export interface TarEntry {
  name: string;
  /** "0" file, "5" directory, ... */
  type: string;
  /** Epoch ms. */
  mtimeMs: number;
  data: Buffer;
}

const BLOCK = 512;

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0x30).replace("\0", "0");
    const dataStart = offset + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = cString(data);
      continue;
    }
    if (type === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    const prefix = cString(header.subarray(345, 500));
    const short = cString(header.subarray(0, 100));
    const name = longName ?? (prefix === "" ? short : `${prefix}/${short}`);
    longName = undefined;
    entries.push({ name, type, mtimeMs: octal(header.subarray(136, 148)) * 1000, data });
  }
  return entries;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString("utf8");
}

function octal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** PAX records are `<length> <key>=<value>\n`. */
function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}
