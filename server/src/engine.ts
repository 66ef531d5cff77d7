/**
 * The one entry point the language server, the CLI and the tests share:
 * load a config as Apache would, build its TLS topology, run every rule family.
 */
import type { Finding } from './findings';
import { IncludeMemo } from './config/include-memo';
import { loadConfig } from './config/loader';
import type { LoadOptions, LoadedConfig } from './config/types';
import { buildTopology, TopologyCache } from './model/build';
import { DiscoveryMemo, discoverPeers } from './model/peer-discovery';
import type { KnownPeers, Topology } from './model/types';
import { createPkiStore } from './pki/store';
import type { ForgettingPkiStore } from './pki/store';
import type { LoadedPemFile, PathKind, PkiStore } from './pki/types';
import { RuleCache, runRules } from './rules/index';

export const DEFAULT_APACHE_VERSION = '2.4.71';
export const DEFAULT_OPENSSL_VERSION = '3.0';
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

export interface CheckOptions extends LoadOptions {
  /** Judge validity at this instant (CLI `--at`); default now. */
  at?: Date;
  /** Target httpd version, default the newest measured (2.4.71). */
  apacheVersion?: string;
  /** Target OpenSSL `3.0` (default) or `1.1`. */
  opensslVersion?: string;
  /** `cert-expiring` threshold in days, default 30. */
  expiryWarningDays?: number;
  /** Declared peers (project file); when absent, peers are discovered under `discoverPeersIn`. */
  peers?: KnownPeers;
  /** Workspace folder to look for peer certificates in when no peers are declared. */
  discoverPeersIn?: string;
  /** A store shared across checks (the language server keeps one); a fresh one otherwise. */
  pki?: PkiStore;
  /**
   * Models and findings kept from earlier checks of the same entry (the language server keeps
   * one per open config): a re-check then redoes only the vhosts whose section or files
   * changed. Give the same `pki` store with it, and an `at` that stays put between checks.
   */
  cache?: CheckCache;
}

export interface CheckCache {
  includes: IncludeMemo;
  topology: TopologyCache;
  rules: RuleCache;
  /**
   * Files earlier checks read. Results reused on the word of a trusting store are not read
   * again, so the files they depend on are carried over (reset when every answer is re-asked).
   */
  referenced: Set<string>;
  referencedList: string[];
  /** The store's change token at the end of the last check; null before the first. */
  lastToken: number | null;
  discovery: DiscoveryMemo;
}

/**
 * A cache for the checks of one config. Give it the store it will be used with: a store that
 * trusts paths (`ForgettingPkiStore`) lets a re-check skip asking again for unchanged files.
 */
export function createCheckCache(pki?: PkiStore): CheckCache {
  const changes =
    pki !== undefined && 'changes' in pki ? (pki as ForgettingPkiStore).changes : undefined;
  return {
    includes: new IncludeMemo(),
    topology: new TopologyCache(),
    rules: new RuleCache(changes),
    referenced: new Set(),
    referencedList: [],
    lastToken: null,
    discovery: new DiscoveryMemo(changes),
  };
}

export interface CheckResult {
  config: LoadedConfig;
  topology: Topology;
  findings: Finding[];
  /** Certificate, key and CA files the check read (local paths), for file watching. */
  referencedFiles: string[];
  /** Rule families that failed on this input (a bug; their findings are missing). */
  internalErrors: { family: string; error: unknown }[];
}

export function checkConfig(entry: string, options: CheckOptions = {}): CheckResult {
  const cache = options.cache;
  const config = loadConfig(entry, cache ? { ...options, includeMemo: cache.includes } : options);
  const apacheVersion = options.apacheVersion ?? DEFAULT_APACHE_VERSION;
  const topology = buildTopology(config, { apacheVersion, cache: options.cache?.topology });
  const pki = trackingStore(options.pki ?? createPkiStore());
  const run = runRules(
    {
      topology,
      pki: pki.store,
      at: options.at ?? new Date(),
      apacheVersion,
      opensslVersion: options.opensslVersion ?? DEFAULT_OPENSSL_VERSION,
      expiryWarningDays: options.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
      peers: options.peers ?? discovered(options.discoverPeersIn, topology, pki.store, options),
    },
    options.cache?.rules,
  );
  return {
    config,
    topology,
    findings: [...config.findings, ...run.findings],
    referencedFiles: options.cache ? carriedOver(options.cache, pki.paths) : [...pki.paths],
    internalErrors: run.failures,
  };
}

/**
 * This check's reads plus those carried over from earlier checks (see `CheckCache`); the same
 * array as last time when nothing was added.
 */
function carriedOver(cache: CheckCache, read: Set<string>): string[] {
  const changes = cache.rules.changes;
  const everythingAsked =
    changes === undefined || cache.lastToken === null || changes.since(cache.lastToken) === 'all';
  const before = cache.referenced.size;
  if (everythingAsked) cache.referenced = new Set(read);
  else for (const path of read) cache.referenced.add(path);
  cache.lastToken = changes?.token() ?? null;
  if (everythingAsked || cache.referenced.size !== before) {
    cache.referencedList = [...cache.referenced];
  }
  return cache.referencedList;
}

function discovered(
  root: string | undefined,
  topology: Topology,
  pki: PkiStore,
  options: CheckOptions,
): KnownPeers {
  if (root === undefined) return { clients: [], backends: [] };
  return discoverPeers(root, topology, pki, options.directories, options.cache?.discovery);
}

/**
 * Wraps a store for one check: records which files the check read and answers each path
 * once. Rule families ask for the same files many times, and each ask of the shared store
 * costs a stat; one answer per check also gives every rule the same snapshot of a file.
 */
function trackingStore(inner: PkiStore): { store: PkiStore; paths: Set<string> } {
  const paths = new Set<string>();
  /** `ask`'s answer for a path, asked once per check. */
  const once = <T>(answers: Map<string, T>, ask: (path: string) => T) => {
    return (localPath: string): T => {
      paths.add(localPath);
      let answer = answers.get(localPath);
      if (answer === undefined) {
        answer = ask(localPath);
        answers.set(localPath, answer);
      }
      return answer;
    };
  };
  return {
    paths,
    store: {
      load: once(new Map<string, LoadedPemFile>(), (path) => inner.load(path)),
      pathKind: once(new Map<string, PathKind>(), (path) => inner.pathKind(path)),
      listDirectory: once(new Map<string, string[]>(), (path) => inner.listDirectory(path)),
    },
  };
}
