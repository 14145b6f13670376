/**
 * YAML parsing that keeps source positions, so every problem found later (by the
 * schema or the cross-field rules) can name the line and column of its node.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  YAMLParseError,
} from "yaml";
import type { Document, Node, Pair, YAMLError } from "yaml";
import type { ConfigPath, Finding, Locate, PathSegment, SourcePosition } from "./problems.ts";

export interface YamlSource {
  /** The document as plain data; undefined when there were syntax errors. */
  data: unknown;
  /** Syntax errors and duplicate keys, already placed. */
  findings: Finding[];
  locate: Locate;
}

interface Step {
  key: Node | undefined;
  value: Node | undefined;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // merge: YAML 1.1 `<<: *anchor` keys, which people use to share settings.
  // uniqueKeys: duplicateKeys checks them instead, in linear time.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
  });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate: Locate = (path, at) => {
    const steps = walk(doc, path);
    const last = steps[steps.length - 1];
    const complete = steps.length === path.length + 1;
    const node =
      complete && at === "value" ? (last?.value ?? last?.key) : (last?.key ?? last?.value);
    return node?.range ? position(node.range[0]) : undefined;
  };
  const errors = [...doc.errors, ...duplicateKeys(doc.contents)].sort(
    (a, b) => a.pos[0] - b.pos[0],
  );
  const findings = errors.map((error) => yamlErrorFinding(doc, error, position));
  if (findings.length > 0) return { data: undefined, findings, locate };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), findings, locate };
  } catch (error) {
    // Building the data is where an alias bomb or a bad merge key shows: a finding,
    // so the error names the file like any other.
    return { data: undefined, findings: [toJsFinding(error)], locate };
  }
}

/**
 * How much aliases may expand the document (the yaml package counts every node
 * an alias brings in): enough for templates shared by anchors, far below what a
 * billion-laughs document needs.
 */
const MAX_ALIAS_COUNT = 1000;

function toJsFinding(error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  if (/alias count|resource exhaustion/i.test(message)) {
    return {
      path: [],
      message: `aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes): the document looks like an alias bomb`,
    };
  }
  if (/merge/i.test(message)) return { path: [], message: `invalid merge key (<<): ${message}` };
  return { path: [], message: `cannot read the YAML: ${message}` };
}

function yamlErrorFinding(
  doc: Document,
  error: YAMLError,
  position: (offset: number) => SourcePosition,
): Finding {
  const at = position(error.pos[0]);
  if (error.code === "DUPLICATE_KEY") {
    const path = pathOfKeyAt(doc, error.pos[0]);
    const key = path[path.length - 1];
    if (path.length > 0 && key !== undefined) {
      const first = firstKeyOffset(doc, path);
      const firstAt = first === undefined ? "" : ` (first defined at line ${position(first).line})`;
      const what = path.length === 2 && path[0] === "agents" ? "agent name" : "key";
      return { path, message: `duplicate ${what} "${String(key)}"${firstAt}`, position: at };
    }
    return { path: [], message: "duplicate key", position: at };
  }
  return { path: [], message: error.message, position: at };
}

/**
 * Keys equal to an earlier key of their map, as the yaml package's uniqueKeys
 * finds them (scalars of the same value), in one pass with a set per map: the
 * package compares each key with every earlier one, which made reading a fleet
 * file of 5,000 agents cost about a second. Aliases are not followed: what they
 * point at is checked where it is written.
 */
function duplicateKeys(node: unknown, found: YAMLParseError[] = []): YAMLParseError[] {
  if (isMap(node)) {
    const seen = new Set<unknown>();
    for (const { key, value } of node.items) {
      if (isScalar(key) && !Number.isNaN(key.value)) {
        if (seen.has(key.value) && key.range) {
          const at: [number, number] = [key.range[0], key.range[1]];
          found.push(new YAMLParseError(at, "DUPLICATE_KEY", "Map keys must be unique"));
        }
        seen.add(key.value);
      }
      duplicateKeys(value, found);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) duplicateKeys(item, found);
  }
  return found;
}

/** The nodes along a path, starting with the document root; stops where the path leaves the document. */
function walk(doc: Document, path: ConfigPath): Step[] {
  let node: unknown = doc.contents;
  const steps: Step[] = [{ key: undefined, value: asNode(node) }];
  for (const segment of path) {
    node = isAlias(node) ? node.resolve(doc) : node;
    let step: Step | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyMatches(item, segment));
      if (pair) step = { key: asNode(pair.key), value: asNode(pair.value) };
    } else if (isSeq(node) && typeof segment === "number") {
      const item = asNode(node.items[segment]);
      if (item) step = { key: item, value: item };
    }
    if (!step) break;
    steps.push(step);
    node = step.value;
  }
  return steps;
}

function keyMatches(pair: Pair, segment: PathSegment): boolean {
  return isScalar(pair.key) && String(pair.key.value) === String(segment);
}

function asNode(value: unknown): Node | undefined {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value) ? value : undefined;
}

/** The path of the map key starting at `offset` (where the YAML parser reports a duplicate). */
function pathOfKeyAt(doc: Document, offset: number): PathSegment[] {
  const search = (node: unknown, path: PathSegment[]): PathSegment[] | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key) && key.range?.[0] === offset) return [...path, String(key.value)];
        const found = isScalar(key) ? search(pair.value, [...path, String(key.value)]) : undefined;
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const found = search(item, [...path, index]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(doc.contents, []) ?? [];
}

/** Where the first of several equal keys is. */
function firstKeyOffset(doc: Document, path: readonly PathSegment[]): number | undefined {
  const parent = walk(doc, path.slice(0, -1));
  if (parent.length !== path.length) return undefined;
  const container = parent[parent.length - 1]?.value;
  if (!isMap(container)) return undefined;
  const key = path[path.length - 1];
  const first = container.items.find((pair) => key !== undefined && keyMatches(pair, key));
  return isScalar(first?.key) ? first.key.range?.[0] : undefined;
}
