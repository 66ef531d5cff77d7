import type { Finding, RuleId, Severity } from '../findings';
import type { KnownPeers, Topology, VirtualHostModel } from '../model/types';
import type { PkiStore, StoreChanges } from '../pki/types';

export interface RuleInfo {
  id: RuleId;
  /** Default level; settings may override it per rule. */
  severity: Severity;
  /** One line: what is wrong. */
  title: string;
  /** What Apache does about it (AH code, 500/502, TLS alert). */
  apache: string;
  /** Rule documentation or the Apache manual section behind it. */
  docs: string;
}

export type { KnownBackend, KnownClient, KnownPeers } from '../model/types';

export interface RuleContext {
  topology: Topology;
  pki: PkiStore;
  /** The instant validity is judged at (`--at`), default now. */
  at: Date;
  /** Target httpd version, e.g. `2.4.71`. */
  apacheVersion: string;
  /** Target OpenSSL major.minor: `3.0` or `1.1`. */
  opensslVersion: string;
  expiryWarningDays: number;
  peers: KnownPeers;
  /**
   * Called by a `server` rule that reads more of the topology than its own server: the
   * runner then does not reuse that server's findings in a later check.
   */
  readsWholeConfig?: () => void;
  /**
   * State a family keeps between checks of the same config (the language server's re-checks),
   * made by `create` on first use; absent when nothing is kept (the CLI).
   */
  keep?: <T>(family: string, create: () => T) => T;
  /** What the store can tell about its answers between checks (see `RecordedReads`). */
  changes?: StoreChanges;
}

/**
 * One rule family: reads the model, returns findings; never throws for bad input. Findings
 * about one server (the main server or a vhost) come from `server`, which may read only that
 * server's model, the context's inputs and the files (through `ctx.pki`): that is what lets a
 * re-check reuse the findings of every vhost that did not change. Findings over the whole
 * config tree come from `config`.
 */
export interface RuleFamily {
  server?: (ctx: RuleContext, server: VirtualHostModel) => Finding[];
  config?: (ctx: RuleContext) => Finding[];
}
