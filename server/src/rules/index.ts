/**
 * Runs every rule family over one topology. A family that throws is a bug: it is isolated
 * (per server for `server` rules, so the other vhosts keep their findings).
 */
import type { Finding } from '../findings';
import type { VirtualHostModel } from '../model/types';
import { nothingReadChanged, RecordedReads } from '../pki/recorded-reads';
import type { PkiStore, StoreChanges } from '../pki/types';
import { caKeyRules } from './ca-key-rules';
import { chainRules } from './chain-rules';
import { clientAuthRules } from './client-auth-rules';
import { crlRules } from './crl-rules';
import { dedupe } from './finding-helpers';
import { directiveRules } from './directive-rules';
import { fileRules } from './file-rules';
import { keyPermissionRules } from './key-permissions-rules';
import { proxyBundleRules } from './proxy-bundle-rules';
import { proxyRules } from './proxy-rules';
import { revocationRules } from './revocation-rules';
import { serverCertRules } from './server-cert-rules';
import type { RuleContext, RuleFamily } from './types';
import { weakCryptoRules } from './weak-crypto-rules';

export const RULE_FAMILIES: Record<string, RuleFamily> = {
  directives: directiveRules,
  files: fileRules,
  'server-certificate': serverCertRules,
  chain: chainRules,
  'client-auth': clientAuthRules,
  proxy: proxyRules,
  'proxy-bundle': proxyBundleRules,
  revocation: revocationRules,
  crl: crlRules,
  'weak-crypto': weakCryptoRules,
  'key-permissions': keyPermissionRules,
  'ca-key': caKeyRules,
};

const FAMILIES = Object.entries(RULE_FAMILIES);

export interface RuleRun {
  findings: Finding[];
  /** Families that threw, with the error; the other families' findings still count. */
  failures: { family: string; error: unknown }[];
}

/** One family's answer for one server: its findings, or what it threw. */
type FamilyResult = Finding[] | { error: unknown };

/** Everything besides the server's model and its files that `server` rules read. */
interface ContextInputs {
  main: VirtualHostModel;
  at: number;
  apacheVersion: string;
  opensslVersion: string;
  expiryWarningDays: number;
  peers: string;
}

/** Every family's answer for one server. */
interface ServerOutcome {
  results: FamilyResult[];
  /** Some family found something or failed (most servers are silent). */
  speaks: boolean;
}

interface ServerEntry extends ServerOutcome {
  inputs: ContextInputs;
  reads: RecordedReads;
}

/**
 * Findings kept between checks of one config. `server` rules: per server model. The topology
 * hands back the same model object for a vhost whose section and main server did not change
 * (model/build.ts `TopologyCache`); its findings are reused when the context inputs are the
 * same and every file the rules read answers with the same object as before. A server whose
 * rules read the whole config is not kept. `config` rules keep their own state (`keep`).
 */
export class RuleCache {
  private readonly servers = new WeakMap<VirtualHostModel, ServerEntry>();
  /**
   * The servers of the last check, with their entries in the same order, the inputs and the
   * store's token at its end: while nothing read changed, an unchanged server at the same
   * position keeps its entry with no lookup (see `nothingReadChanged`).
   */
  last: {
    servers: VirtualHostModel[];
    entries: (ServerEntry | null)[];
    inputs: ContextInputs;
    token: number;
  } | null = null;
  private readonly kept = new Map<string, unknown>();

  /** `changes`: what the store can tell about its answers between checks (if anything). */
  constructor(readonly changes?: StoreChanges) {}

  /** Family state kept between checks (`RuleContext.keep`). */
  keep<T>(family: string, create: () => T): T {
    if (!this.kept.has(family)) this.kept.set(family, create());
    return this.kept.get(family) as T;
  }

  server(server: VirtualHostModel, inputs: ContextInputs, pki: PkiStore): ServerEntry | null {
    const entry = this.servers.get(server);
    if (entry === undefined || !sameInputs(entry.inputs, inputs)) return null;
    return entry.reads.stillSame(pki) ? entry : null;
  }

  keepServer(server: VirtualHostModel, entry: ServerEntry): void {
    this.servers.set(server, entry);
  }
}

function sameInputs(a: ContextInputs, b: ContextInputs): boolean {
  return (
    a.main === b.main &&
    a.at === b.at &&
    a.apacheVersion === b.apacheVersion &&
    a.opensslVersion === b.opensslVersion &&
    a.expiryWarningDays === b.expiryWarningDays &&
    a.peers === b.peers
  );
}

export function runRules(checkCtx: RuleContext, cache?: RuleCache): RuleRun {
  const ctx: RuleContext =
    cache === undefined
      ? checkCtx
      : {
          ...checkCtx,
          changes: cache.changes,
          keep: (family, create) => cache.keep(family, create),
        };
  const servers = [ctx.topology.main, ...ctx.topology.vhosts];
  const inputs: ContextInputs = {
    main: ctx.topology.main,
    at: ctx.at.getTime(),
    apacheVersion: ctx.apacheVersion,
    opensslVersion: ctx.opensslVersion,
    expiryWarningDays: ctx.expiryWarningDays,
    peers: JSON.stringify(ctx.peers),
  };
  const perServer =
    cache === undefined
      ? servers.map((server) => outcome(serverResults(ctx, server)))
      : cachedPerServer(ctx, servers, inputs, cache);

  // Most servers have nothing to say: collect from those that do, family by family.
  const speaking = perServer.filter((results) => results.speaks);
  const findings: Finding[] = [];
  const failed = new Map<string, unknown>();
  FAMILIES.forEach(([name, family], index) => {
    if (family.config !== undefined) {
      const result = configResult(ctx, family);
      if (Array.isArray(result)) findings.push(...result);
      else failed.set(name, result.error);
    }
    if (family.server === undefined) return;
    for (const { results } of speaking) {
      const result = results[index];
      if (!Array.isArray(result)) {
        if (!failed.has(name)) failed.set(name, result.error);
      } else if (result.length > 0) {
        findings.push(...result);
      }
    }
  });
  const failures = [...failed].map(([family, error]) => ({ family, error }));
  return { findings: dedupe(findings), failures };
}

function outcome(results: FamilyResult[]): ServerOutcome {
  return { results, speaks: results.some((r) => !Array.isArray(r) || r.length > 0) };
}

/** Every family's `server` findings for one server (empty for families without one). */
function serverResults(ctx: RuleContext, server: VirtualHostModel): FamilyResult[] {
  return FAMILIES.map(([, family]) => {
    if (family.server === undefined) return [];
    try {
      return family.server(ctx, server);
    } catch (error) {
      return { error };
    }
  });
}

/** Every server's results, kept ones reused (see `RuleCache`). */
function cachedPerServer(
  ctx: RuleContext,
  servers: VirtualHostModel[],
  inputs: ContextInputs,
  cache: RuleCache,
): ServerOutcome[] {
  const changes = cache.changes;
  const last = cache.last;
  const quiet =
    changes !== undefined &&
    last !== null &&
    sameInputs(last.inputs, inputs) &&
    nothingReadChanged(changes, last.token);
  const entries: (ServerEntry | null)[] = [];
  const perServer = servers.map((server, index) => {
    const previous = quiet ? last.entries[index] : undefined;
    if (previous && last?.servers[index] === server && previous.reads.trustedOnly) {
      entries.push(previous);
      return previous;
    }
    const entry = cachedServerEntry(ctx, server, inputs, cache);
    entries.push(entry.kept ? entry.entry : null);
    return entry.entry;
  });
  cache.last = { servers, entries, inputs, token: changes?.token() ?? 0 };
  return perServer;
}

function cachedServerEntry(
  ctx: RuleContext,
  server: VirtualHostModel,
  inputs: ContextInputs,
  cache: RuleCache,
): { entry: ServerEntry; kept: boolean } {
  const kept = cache.server(server, inputs, ctx.pki);
  if (kept !== null) return { entry: kept, kept: true };
  const reads = new RecordedReads(cache.changes);
  let wholeConfig = false;
  const serverCtx: RuleContext = {
    ...ctx,
    pki: reads.recording(ctx.pki),
    readsWholeConfig: () => (wholeConfig = true),
  };
  const entry = { inputs, reads, ...outcome(serverResults(serverCtx, server)) };
  if (!wholeConfig) cache.keepServer(server, entry);
  return { entry, kept: !wholeConfig };
}

function configResult(ctx: RuleContext, family: RuleFamily): FamilyResult {
  try {
    return family.config?.(ctx) ?? [];
  } catch (error) {
    return { error };
  }
}
