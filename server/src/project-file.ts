/**
 * The project file `.httpd-mtls.json` (DESIGN section 4): found beside the config or in a
 * parent folder up to the workspace root, or named explicitly (`--manifest`). Paths in it are
 * relative to the file itself; deployed prefixes (`pathMappings` keys) are kept as written.
 * Reading never throws: bad JSON or a bad field becomes a problem with a range in the file,
 * and every valid field is still used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularText } from './safe-read';
import { RULE_IDS, type Range } from './findings';
import type { PathMapping } from './config/types';
import type { KnownBackend, KnownClient } from './rules/types';
import type { OptionLayer } from './settings';
import { RULE_LEVELS, type RuleLevel, type RuleLevels } from './features/diagnostics';
import { offsetRange, parseJsonTree, type JsonEntry, type JsonNode } from './json-tree';

export const PROJECT_FILE_NAME = '.httpd-mtls.json';

export interface ProjectFileProblem {
  /** 0-based range in the project file. */
  range: Range;
  message: string;
}

export interface ProjectFile {
  /** Absolute path of the project file. */
  file: string;
  layer: OptionLayer;
  /** Per-rule levels, shared by the CLI and the editor (settings override them per rule). */
  rules: RuleLevels;
  problems: ProjectFileProblem[];
}

/**
 * The nearest `.httpd-mtls.json` in the config's folder or a parent, stopping at `stopAt`
 * (inclusive). When the config is not inside `stopAt` (or none is given), only its own folder
 * is looked at. Null when there is none.
 */
export function findProjectFile(
  configFile: string,
  stopAt?: string,
  exists: (file: string) => boolean = fs.existsSync,
): string | null {
  let dir = path.dirname(path.resolve(configFile));
  const root = stopAt === undefined ? dir : path.resolve(stopAt);
  const inside = path.relative(root, dir);
  const walkUp = !inside.startsWith('..') && !path.isAbsolute(inside);

  for (;;) {
    const candidate = path.join(dir, PROJECT_FILE_NAME);
    if (exists(candidate)) return candidate;
    if (!walkUp || dir === root) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Reads and validates a project file; an unreadable file is one problem at its start. */
export function readProjectFile(file: string, text?: string): ProjectFile {
  const absolute = path.resolve(file);
  if (text === undefined) {
    const read = readRegularText(absolute);
    if (typeof read === 'string') text = read;
    else {
      const reason = read.message;
      const start = { line: 0, character: 0 };
      return {
        file: absolute,
        layer: {},
        rules: {},
        problems: [{ range: { start, end: start }, message: `Cannot read: ${reason}` }],
      };
    }
  }
  return parseProjectFile(absolute, text);
}

type Reader = (node: JsonNode, where: string) => unknown;

/** Validates the text of a project file at `file` (absolute). */
export function parseProjectFile(file: string, text: string): ProjectFile {
  const base = path.dirname(file);
  const problems: ProjectFileProblem[] = [];
  const problem = (start: number, end: number, message: string): undefined => {
    problems.push({ range: offsetRange(text, start, end), message });
    return undefined;
  };
  const parsed = parseJsonTree(text.replace(/^\uFEFF/, ' '));
  if ('error' in parsed) {
    const { offset, message } = parsed.error;
    problem(offset, Math.min(offset + 1, text.length), `Invalid JSON: ${message}`);
    return { file, layer: {}, rules: {}, problems };
  }
  if (parsed.root.kind !== 'object') {
    problem(parsed.root.start, parsed.root.end, 'The project file must be a JSON object');
    return { file, layer: {}, rules: {}, problems };
  }

  const wrong = (node: JsonNode, where: string, expected: string): undefined =>
    problem(node.start, node.end, `${where}: expected ${expected}`);
  const str: Reader = (node, where) =>
    node.kind === 'scalar' && typeof node.value === 'string'
      ? node.value
      : wrong(node, where, 'a string');
  const localPath: Reader = (node, where) => {
    const value = str(node, where);
    return typeof value === 'string' ? path.resolve(base, value) : undefined;
  };
  const bool: Reader = (node, where) =>
    node.kind === 'scalar' && typeof node.value === 'boolean'
      ? node.value
      : wrong(node, where, 'true or false');
  const fields = (node: JsonNode, where: string, known: Record<string, Reader>, need: string[]) => {
    if (node.kind !== 'object') return wrong(node, where, 'an object');
    const result: Record<string, unknown> = {};
    for (const entry of node.entries) {
      const reader = known[entry.key];
      if (reader === undefined) {
        const names = Object.keys(known).join(', ');
        const message = `${where}: unknown property "${entry.key}" (known: ${names})`;
        problem(entry.keyStart, entry.keyEnd, message);
        continue;
      }
      const value = reader(entry.value, `${where}.${entry.key}`);
      if (value !== undefined) result[entry.key] = value;
    }
    const missing = need.filter((name) => !node.entries.some((e) => e.key === name));
    if (missing.length > 0) return wrong(node, where, `an object with "${missing.join('", "')}"`);
    return result;
  };
  const list =
    (item: Reader): Reader =>
    (node, where) => {
      if (node.kind !== 'array') return wrong(node, where, 'an array');
      return node.items
        .map((child, index) => item(child, `${where}[${index}]`))
        .filter((value) => value !== undefined);
    };

  const readers: Record<string, Reader> = {
    $schema: () => undefined,
    serverRoot: localPath,
    defines: (node, where) => readDefines(node, where, wrong),
    modules: list(str),
    pathMappings: (node, where) => readMappings(node, where, { str, localPath, fields, wrong }),
    apacheVersion: (node, where) => {
      const value = str(node, where);
      if (typeof value !== 'string' || /^2\.4\.\d+$/.test(value)) return value;
      return wrong(node, where, 'an Apache 2.4 version such as "2.4.71"');
    },
    opensslVersion: (node, where) => {
      const value = str(node, where);
      if (value === undefined || value === '3.0' || value === '1.1') return value;
      return wrong(node, where, '"3.0" or "1.1"');
    },
    expiryWarningDays: (node, where) =>
      node.kind === 'scalar' && typeof node.value === 'number' && node.value >= 0
        ? node.value
        : wrong(node, where, 'a number of days (0 or more)'),
    rules: (node, where) => readRuleLevels(node, where, wrong),
    clients: list((node, where) =>
      fields(node, where, { certificate: localPath, key: localPath }, ['certificate']),
    ),
    backends: list((node, where) =>
      fields(
        node,
        where,
        {
          url: str,
          certificate: localPath,
          caCertificates: localPath,
          requireClientCertificate: bool,
        },
        ['url'],
      ),
    ),
  };
  const values = (fields(parsed.root, 'project file', readers, []) ?? {}) as Record<
    string,
    unknown
  >;
  const rules = (values.rules ?? {}) as RuleLevels;
  return { file, layer: toLayer(values), rules, problems };
}

function toLayer(values: Record<string, unknown>): OptionLayer {
  const layer: OptionLayer = {};
  const scalars = ['serverRoot', 'apacheVersion', 'opensslVersion', 'expiryWarningDays'] as const;
  for (const key of scalars) {
    if (values[key] !== undefined) (layer as Record<string, unknown>)[key] = values[key];
  }
  if (values.defines !== undefined) layer.defines = values.defines as Record<string, string | null>;
  if (values.modules !== undefined) layer.modules = values.modules as string[];
  if (values.pathMappings !== undefined) layer.pathMappings = values.pathMappings as PathMapping[];
  if (values.clients !== undefined || values.backends !== undefined) {
    layer.peers = {
      clients: (values.clients ?? []) as KnownClient[],
      backends: (values.backends ?? []) as KnownBackend[],
    };
  }
  return layer;
}

type Wrong = (node: JsonNode, where: string, expected: string) => undefined;

function readDefines(node: JsonNode, where: string, wrong: Wrong): unknown {
  if (node.kind !== 'object') return wrong(node, where, 'an object of NAME: value or null');
  const defines: Record<string, string | null> = {};
  for (const entry of node.entries) {
    const value = entry.value.kind === 'scalar' ? entry.value.value : undefined;
    if (typeof value === 'string' || value === null) defines[entry.key] = value;
    else wrong(entry.value, `${where}.${entry.key}`, 'a string or null');
  }
  return defines;
}

function readRuleLevels(node: JsonNode, where: string, wrong: Wrong): unknown {
  if (node.kind !== 'object') return wrong(node, where, 'an object of rule id: level');
  const levels: RuleLevels = {};
  for (const entry of node.entries) {
    const value = entry.value.kind === 'scalar' ? entry.value.value : undefined;
    const at = `${where}.${entry.key}`;
    if (!(RULE_IDS as readonly string[]).includes(entry.key)) {
      wrong(entry.value, at, 'a level for a known rule id (see the rule catalogue)');
    } else if (!RULE_LEVELS.includes(value as RuleLevel)) {
      wrong(entry.value, at, `one of ${RULE_LEVELS.join(', ')}`);
    } else {
      levels[entry.key as keyof RuleLevels] = value as RuleLevel;
    }
  }
  return levels;
}

interface MappingTools {
  str: Reader;
  localPath: Reader;
  fields: (node: JsonNode, where: string, known: Record<string, Reader>, need: string[]) => unknown;
  wrong: Wrong;
}

/** `{"/deployed": "local"}` or `[{"from": "/deployed", "to": "local"}]`; `to` is file-relative. */
function readMappings(node: JsonNode, where: string, tools: MappingTools): unknown {
  if (node.kind === 'object') {
    return node.entries
      .map((entry: JsonEntry) => {
        const to = tools.localPath(entry.value, `${where}.${entry.key}`);
        return typeof to === 'string' ? { from: entry.key, to } : undefined;
      })
      .filter((mapping) => mapping !== undefined);
  }
  if (node.kind === 'array') {
    return node.items
      .map((item, index) =>
        tools.fields(item, `${where}[${index}]`, { from: tools.str, to: tools.localPath }, [
          'from',
          'to',
        ]),
      )
      .filter((mapping) => mapping !== undefined);
  }
  return tools.wrong(node, where, 'an object {"/deployed/prefix": "local/folder"} or a list');
}
