/**
 * Parsed config files kept per path while their text stays the same. The language server
 * re-checks a whole tree when one file changes; the others parse to the same nodes, and the
 * loader only reads parsed nodes (it copies them to substitute variables), so sharing them
 * across checks is safe. Keyed by the exact text, so unsaved buffers are handled alike.
 */
import { parseConfig } from './parser';
import type { ParsedFile } from './types';

/** More than any real tree; the oldest entry goes first beyond it. */
const MAX_FILES = 10_000;

const parsedByPath = new Map<string, { text: string; parsed: ParsedFile }>();

/** `parseConfig(text, file)`, answered from the cache when this path had this text. */
export function parseConfigCached(text: string, file: string): ParsedFile {
  const cached = parsedByPath.get(file);
  if (cached !== undefined && cached.text === text) return cached.parsed;

  const parsed = parseConfig(text, file);
  parsedByPath.delete(file);
  if (parsedByPath.size >= MAX_FILES) {
    parsedByPath.delete(parsedByPath.keys().next().value as string);
  }
  parsedByPath.set(file, { text, parsed });
  return parsed;
}
