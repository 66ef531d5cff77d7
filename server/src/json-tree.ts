/**
 * A strict JSON (RFC 8259) reader that keeps where each value sits, so the project file's
 * problems can be shown on the exact key or value. Values come from JSON.parse of each
 * scalar token, so they match the platform's reading exactly.
 */
import type { Range } from './findings';

export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[]; start: number; end: number }
  | { kind: 'array'; items: JsonNode[]; start: number; end: number }
  | { kind: 'scalar'; value: string | number | boolean | null; start: number; end: number };

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export interface JsonParseError {
  message: string;
  /** 0-based UTF-16 offset of the offending character. */
  offset: number;
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const SCALAR = new RegExp(`(?:${STRING}|${NUMBER}|true|false|null)`, 'y');

export function parseJsonTree(text: string): { root: JsonNode } | { error: JsonParseError } {
  let pos = 0;

  const skipSpace = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const fail = (what: string): never => {
    const found = pos < text.length ? `'${text[pos]}'` : 'end of file';
    throw new JsonSyntaxError(`${what} expected, found ${found}`, pos);
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) fail(`'${ch}'`);
    pos++;
  };

  const scalar = (): JsonNode & { kind: 'scalar' } => {
    SCALAR.lastIndex = pos;
    const match = SCALAR.exec(text);
    if (!match) return fail('A value');
    const start = pos;
    pos += match[0].length;
    return { kind: 'scalar', value: JSON.parse(match[0]) as string, start, end: pos };
  };

  // Recursion is bounded so a hostile manifest cannot overflow the stack.
  const value = (depth: number): JsonNode => {
    skipSpace();
    if (depth > 200) fail('A shallower value');
    const start = pos;
    if (text[pos] === '{') {
      pos++;
      const entries: JsonEntry[] = [];
      skipSpace();
      if (text[pos] === '}') return { kind: 'object', entries, start, end: ++pos };
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('A property name in double quotes');
        const key = scalar();
        expect(':');
        const entryValue = value(depth + 1);
        const { start: keyStart, end: keyEnd } = key;
        entries.push({ key: key.value as string, keyStart, keyEnd, value: entryValue });
        skipSpace();
        if (text[pos] === '}') return { kind: 'object', entries, start, end: ++pos };
        expect(',');
      }
    }
    if (text[pos] === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') return { kind: 'array', items, start, end: ++pos };
      for (;;) {
        items.push(value(depth + 1));
        skipSpace();
        if (text[pos] === ']') return { kind: 'array', items, start, end: ++pos };
        expect(',');
      }
    }
    return scalar();
  };

  try {
    const root = value(0);
    skipSpace();
    if (pos < text.length) fail('End of file');
    return { root };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { error: { message: error.message, offset: error.offset } };
  }
}

/** Plain JS value of a node (objects keep the last duplicate key, as JSON.parse does). */
export function jsonValue(node: JsonNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'array') return node.items.map(jsonValue);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, jsonValue(entry.value)]));
}

/** Converts [start, end) UTF-16 offsets of `text` to a 0-based LSP range. */
export function offsetRange(text: string, start: number, end: number): Range {
  const at = (offset: number): { line: number; character: number } => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: at(start), end: at(end) };
}
