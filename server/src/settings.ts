/**
 * The one source of truth for the `httpdMtls.*` settings: names, types, defaults and
 * descriptions. package.json `contributes.configuration` is held to SETTING_SCHEMAS by a test.
 *
 * Precedence (DESIGN section 4): CLI flags and editor settings override the project file
 * (`.httpd-mtls.json`), which overrides the defaults. An editor setting left at its default
 * value counts as "not set", because VS Code reports defaults and user values alike.
 */
import * as path from 'node:path';
import { RULE_IDS, type RuleId } from './findings';
import type { PathMapping } from './config/types';
import type { CheckOptions } from './engine';
import type { KnownPeers } from './rules/types';
import { RULE_LEVELS, type RuleLevel } from './features/diagnostics';

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  /** ServerRoot when the config sets none; empty string means "not set". */
  serverRoot: string;
  /** Define values; null means defined without a value (`-D NAME`). */
  defines: Record<string, string | null>;
  modules: string[];
  /** Deployed prefix -> local folder (relative to the workspace folder). */
  pathMappings: Record<string, string>;
  apacheVersion: string;
  opensslVersion: string;
  expiryWarningDays: number;
  rules: Partial<Record<RuleId, RuleLevel>>;
  trace: { server: TraceLevel };
}

/** A JSON-schema fragment as VS Code's configuration contribution reads it. */
export interface SettingSchema {
  type: string | string[];
  default: unknown;
  description: string;
  enum?: readonly string[];
  additionalProperties?: unknown;
  items?: unknown;
  properties?: Record<string, unknown>;
  minimum?: number;
  /** `resource`: may differ per folder; `window`: one value per window. */
  scope: 'resource' | 'window';
}

const ruleLevelSchema = { type: 'string', enum: RULE_LEVELS };

/** Keyed by the full setting name, exactly as in package.json. */
export const SETTING_SCHEMAS: Record<string, SettingSchema> = {
  'httpdMtls.serverRoot': {
    scope: 'resource',
    type: 'string',
    default: '',
    description:
      'ServerRoot used when the config sets none (relative to the workspace folder). ' +
      'Empty: take it from .httpd-mtls.json, else /etc/apache2.',
  },
  'httpdMtls.defines': {
    scope: 'resource',
    type: 'object',
    default: {},
    additionalProperties: { type: ['string', 'null'] },
    description: 'Names defined as with `httpd -D NAME` (null) or `Define NAME VALUE`.',
  },
  'httpdMtls.modules': {
    scope: 'resource',
    type: 'array',
    default: [],
    items: { type: 'string' },
    description: 'Modules <IfModule> sees as loaded (ssl_module or mod_ssl.c), besides LoadModule.',
  },
  'httpdMtls.pathMappings': {
    scope: 'resource',
    type: 'object',
    default: {},
    additionalProperties: { type: 'string' },
    description:
      'Deployed path prefix -> local folder, e.g. {"/etc/httpd": "."} (relative to the workspace).',
  },
  'httpdMtls.apacheVersion': {
    scope: 'resource',
    type: 'string',
    default: '2.4.71',
    description: 'Target Apache httpd version (2.4.N) whose behaviour the checks predict.',
  },
  'httpdMtls.opensslVersion': {
    scope: 'resource',
    type: 'string',
    default: '3.0',
    enum: ['3.0', '1.1'],
    description: 'Target OpenSSL version linked into mod_ssl.',
  },
  'httpdMtls.expiryWarningDays': {
    scope: 'resource',
    type: 'number',
    default: 30,
    minimum: 0,
    description: 'Warn (cert-expiring) when a certificate expires within this many days.',
  },
  'httpdMtls.rules': {
    scope: 'resource',
    type: 'object',
    default: {},
    properties: Object.fromEntries(RULE_IDS.map((id) => [id, ruleLevelSchema])),
    additionalProperties: false,
    description: 'Per-rule level: ignore, information, warning or error.',
  },
  'httpdMtls.trace.server': {
    scope: 'window',
    type: 'string',
    default: 'off',
    enum: ['off', 'messages', 'verbose'],
    description: 'Traces the communication between VS Code and the httpd-mtls language server.',
  },
};

export const DEFAULT_SETTINGS: Settings = {
  serverRoot: '',
  defines: {},
  modules: [],
  pathMappings: {},
  apacheVersion: '2.4.71',
  opensslVersion: '3.0',
  expiryWarningDays: 30,
  rules: {},
  trace: { server: 'off' },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap<T>(value: unknown, accept: (v: unknown) => v is T): Record<string, T> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => accept(v))) as Record<
    string,
    T
  >;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isDefineValue = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isRuleLevel = (v: unknown): v is RuleLevel => RULE_LEVELS.includes(v as RuleLevel);

/** Turns whatever the client sent (`httpdMtls` section, possibly partial) into Settings. */
export function normalizeSettings(raw: unknown): Settings {
  const section = isRecord(raw) ? raw : {};
  const pick = <T>(key: string, ok: (v: unknown) => v is T, fallback: T): T =>
    ok(section[key]) ? (section[key] as T) : fallback;
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const trace = isRecord(section.trace) ? section.trace.server : undefined;
  const rules = stringMap(section.rules, isRuleLevel);

  return {
    serverRoot: pick('serverRoot', isString, DEFAULT_SETTINGS.serverRoot),
    defines: stringMap(section.defines, isDefineValue),
    modules: Array.isArray(section.modules) ? section.modules.filter(isString) : [],
    pathMappings: stringMap(section.pathMappings, isString),
    apacheVersion: pick('apacheVersion', isString, DEFAULT_SETTINGS.apacheVersion),
    opensslVersion: pick('opensslVersion', isString, DEFAULT_SETTINGS.opensslVersion),
    expiryWarningDays: pick('expiryWarningDays', isNumber, DEFAULT_SETTINGS.expiryWarningDays),
    rules: Object.fromEntries(
      Object.entries(rules).filter(([id]) => (RULE_IDS as readonly string[]).includes(id)),
    ),
    trace: { server: trace === 'messages' || trace === 'verbose' ? trace : 'off' },
  };
}

/**
 * One source of check options (defaults, project file, settings or CLI flags). Every field is
 * optional: undefined means "this layer does not say". Paths are absolute.
 */
export interface OptionLayer {
  serverRoot?: string;
  defines?: Record<string, string | null>;
  modules?: string[];
  pathMappings?: PathMapping[];
  apacheVersion?: string;
  opensslVersion?: string;
  expiryWarningDays?: number;
  peers?: KnownPeers;
  at?: Date;
}

/** Settings as a layer; values equal to their defaults are left out, relative paths join `base`. */
export function settingsLayer(settings: Settings, base: string): OptionLayer {
  const layer: OptionLayer = {};
  if (settings.serverRoot !== '') layer.serverRoot = path.resolve(base, settings.serverRoot);
  if (Object.keys(settings.defines).length > 0) layer.defines = settings.defines;
  if (settings.modules.length > 0) layer.modules = settings.modules;
  const mappings = Object.entries(settings.pathMappings);
  if (mappings.length > 0) {
    layer.pathMappings = mappings.map(([from, to]) => ({ from, to: path.resolve(base, to) }));
  }
  if (settings.apacheVersion !== DEFAULT_SETTINGS.apacheVersion) {
    layer.apacheVersion = settings.apacheVersion;
  }
  if (settings.opensslVersion !== DEFAULT_SETTINGS.opensslVersion) {
    layer.opensslVersion = settings.opensslVersion;
  }
  if (settings.expiryWarningDays !== DEFAULT_SETTINGS.expiryWarningDays) {
    layer.expiryWarningDays = settings.expiryWarningDays;
  }
  return layer;
}

/**
 * Merges layers, lowest precedence first. Scalars: the last layer that says wins. Defines:
 * merged per name. Modules: union. Path mappings: the higher layer's mapping for a prefix
 * replaces the lower one's, and higher layers' mappings come first.
 */
export function mergeLayers(...layers: OptionLayer[]): CheckOptions {
  const options: CheckOptions = {
    apacheVersion: DEFAULT_SETTINGS.apacheVersion,
    opensslVersion: DEFAULT_SETTINGS.opensslVersion,
    expiryWarningDays: DEFAULT_SETTINGS.expiryWarningDays,
  };
  let mappings: PathMapping[] = [];

  for (const layer of layers) {
    if (layer.serverRoot !== undefined) options.serverRoot = layer.serverRoot;
    if (layer.apacheVersion !== undefined) options.apacheVersion = layer.apacheVersion;
    if (layer.opensslVersion !== undefined) options.opensslVersion = layer.opensslVersion;
    if (layer.expiryWarningDays !== undefined) {
      options.expiryWarningDays = layer.expiryWarningDays;
    }
    if (layer.at !== undefined) options.at = layer.at;
    if (layer.peers !== undefined) options.peers = layer.peers;
    if (layer.defines !== undefined) options.defines = { ...options.defines, ...layer.defines };
    if (layer.modules !== undefined) {
      options.modules = [...new Set([...(options.modules ?? []), ...layer.modules])];
    }
    if (layer.pathMappings !== undefined) {
      const replaced = new Set(layer.pathMappings.map((m) => m.from));
      mappings = [...layer.pathMappings, ...mappings.filter((m) => !replaced.has(m.from))];
    }
  }

  if (mappings.length > 0) options.pathMappings = mappings;
  return options;
}
