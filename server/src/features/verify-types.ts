/**
 * The Verify mTLS chain report (issue 5): for one TLS vhost, the hops a request crosses
 * (client -> Apache, Apache's own identity, Apache -> each https backend), each with a verdict.
 * JSON shape documented in docs/verify.md.
 */
import type { RuleId } from '../findings';

/** `unknown`: the report lacks what it needs to judge (e.g. no known client certificates). */
export type HopStatus = 'pass' | 'fail' | 'unknown';

export type HopKind = 'client-to-apache' | 'apache-identity' | 'apache-to-backend';

/** A place in a config file: absolute path, 0-based line (as LSP). */
export interface SourceLink {
  file: string;
  line: number;
}

export interface VerifyCheck {
  name: string;
  status: HopStatus;
  detail: string;
  /** Set when a checkConfig finding decided this check. */
  rule?: RuleId;
  /** What to change; set on failing checks that come from a finding. */
  fix?: string;
  /** The directive behind the check. */
  source?: SourceLink;
}

export interface LiveResult {
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
  /** Where the probe connected, `host:port`. */
  endpoint: string;
  /** True when the live result contradicts the predicted hop status. */
  disagrees: boolean;
}

/** A certificate as the report shows it (no key material, ever). */
export interface CertSummary {
  role: string;
  subject: string;
  issuer: string;
  notAfter: string;
  dnsNames: string[];
  /** EKU OIDs in dotted form; null = extension absent (any purpose). */
  extKeyUsage: string[] | null;
  file: string;
}

export interface VerifyHop {
  kind: HopKind;
  from: string;
  to: string;
  status: HopStatus;
  checks: VerifyCheck[];
  certificates: CertSummary[];
  /** For apache-to-backend: the backend URL. */
  url?: string;
  /** Live handshake result beside the prediction (only with --live). */
  live?: LiveResult;
}

export interface VerifyReport {
  /** `ServerName:port` as Apache names the vhost in its logs. */
  vhost: string;
  /** The <VirtualHost> tag; null for the main server. */
  source: SourceLink | null;
  hops: VerifyHop[];
}
