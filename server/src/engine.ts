/**
 * The one entry point the language server, the CLI and the tests share:
 * load a config as Apache would, build its TLS topology, run every rule family.
 */
import type { Finding } from './findings';
import type { LoadOptions, LoadedConfig } from './config/types';
import type { Topology } from './model/types';
import type { KnownPeers } from './rules/types';

export interface CheckOptions extends LoadOptions {
  /** Judge validity at this instant (CLI `--at`); default now. */
  at?: Date;
  /** Target httpd version, default the newest measured (2.4.71). */
  apacheVersion?: string;
  /** Target OpenSSL `3.0` (default) or `1.1`. */
  opensslVersion?: string;
  /** `cert-expiring` threshold in days, default 30. */
  expiryWarningDays?: number;
  peers?: KnownPeers;
}

export interface CheckResult {
  config: LoadedConfig;
  topology: Topology;
  findings: Finding[];
  /** Certificate, key and CA files the check read (local paths), for file watching. */
  referencedFiles: string[];
}

export declare function checkConfig(entry: string, options?: CheckOptions): CheckResult;
