import type { Finding, RuleId, Severity } from '../findings';
import type { KnownPeers, Topology } from '../model/types';
import type { PkiStore } from '../pki/types';

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
}

/** One rule family: reads the model, returns findings; never throws for bad input. */
export type RuleFamily = (ctx: RuleContext) => Finding[];
