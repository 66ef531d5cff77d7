/**
 * Runs every rule family over one topology. A family that throws is a bug: it is isolated
 * (per server for `server` rules, so the other vhosts keep their findings).
 */
import type { Finding } from '../findings';
import type { VirtualHostModel } from '../model/types';
import { nothingReadChanged, RecordedReads } from '../pki/recorded-reads';
import type { PkiStore, StoreChanges } from '../pki/types';
import { caFileRules } from './ca-file-rules';
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
import { patchPositional, positional, type Positional } from '../positions';

export const RULE_FAMILIES: Record<string, RuleFamily> = {
  directives: directiveRules,
  files: fileRules,
  'server-certificate': serverCertRules,
  chain: chainRules,
  'client-auth': clientAuthRules,
  'ca-file': caFileRules,
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

/** A server's outcome at its position, and its entry when kept for later checks. */
interface AtServer {
  kept: ServerEntry | null;
  outcome: ServerOutcome;
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
   * The servers of the last check with, per position, the entry kept (null: not kept) and
   * the outcome, the inputs and the store's token at its end. While nothing read changed, a
   * re-check redoes only the positions that hold another model and those whose entries were
   * not kept or not all trusted (`positions.ts` `patchPositional`, `nothingReadChanged`).
   */
  last: {
    positions: Positional<VirtualHostModel, AtServer>;
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
  const servers = ctx.topology.servers;
  const inputs: ContextInputs = {
    main: ctx.topology.main,
    at: ctx.at.getTime(),
    apacheVersion: ctx.apacheVersion,
    opensslVersion: ctx.opensslVersion,
    expiryWarningDays: ctx.expiryWarningDays,
    peers: JSON.stringify(ctx.peers),
  };
  // Most servers have nothing to say: collect from those that do, family by family.
  const speaking =
    cache === undefined
      ? servers.map((server) => outcome(serverResults(ctx, server))).filter((o) => o.speaks)
      : speakingServers(ctx, servers, inputs, cache);
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

/** The results of the servers that have something to say, kept ones reused (`RuleCache`). */
function speakingServers(
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
  const token = changes?.token() ?? 0;
  const at = (server: VirtualHostModel, previous: AtServer | null) => {
    const kept = previous?.kept ?? null;
    const found =
      kept !== null && kept.reads.trustedOnly
        ? { entry: kept, kept: true }
        : cachedServerEntry(ctx, server, inputs, cache);
    const entry = { kept: found.kept ? found.entry : null, outcome: found.entry };
    return { entry, redo: !found.kept || !found.entry.reads.trustedOnly };
  };

  let positions: Positional<VirtualHostModel, AtServer>;
  if (quiet && patchPositional(last.positions, servers, at)) {
    positions = last.positions;
  } else {
    positions = positional(servers, at, quiet ? last.positions : null);
  }
  cache.last = { positions, inputs, token };
  const speaking: ServerOutcome[] = [];
  for (const { outcome } of positions.entries) if (outcome.speaks) speaking.push(outcome);
  return speaking;
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
