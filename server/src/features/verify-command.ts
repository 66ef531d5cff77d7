/**
 * The language server's side of "Verify mTLS chain" (`httpdMtls.server.verifyChain`): from a
 * checked document and the options it was checked with, the report for the vhost at the
 * cursor (or every TLS vhost when the cursor is in none) as webview HTML. Live handshakes run
 * only when the argument says `live: true` (the client asks only on the user's click).
 */
import { randomBytes } from 'node:crypto';
import type { CheckOptions, CheckResult } from '../engine';
import { discoverPeers } from '../model/peer-discovery';
import type { KnownPeers } from '../model/types';
import { createPkiStore } from '../pki/store';
import { addLiveResults } from './verify-live';
import { renderVerifyHtml } from './verify-html';
import { verifyReport } from './verify-report';
import type { VerifyReport } from './verify-types';

export const VERIFY_TITLE = 'Verify mTLS chain';

/**
 * What the client sends: the palette sends the active document's URI (and the cursor line),
 * the CodeLens `{ uri, line, serverName, port }`. `line` is 0-based; absent means all vhosts.
 */
export interface VerifyChainArgument {
  uri: string;
  line?: number;
  live?: boolean;
}

export interface VerifyChainAnswer {
  /** The whole webview page (CSP with a fresh nonce; needs enableScripts). */
  html: string;
  /** `cursor`: the vhost containing `line`; `all`: every TLS vhost of the config. */
  scope: 'cursor' | 'all';
  reports: VerifyReport[];
  /** A sentence for a notification (no vhost at the cursor, nothing to verify). */
  message?: string;
}

/** Reads the command's first argument; null when it names no document. */
export function parseVerifyArgument(value: unknown): VerifyChainArgument | null {
  if (typeof value === 'string') return value === '' ? null : { uri: value };
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.uri !== 'string' || record.uri === '') return null;
  const argument: VerifyChainArgument = { uri: record.uri };
  if (typeof record.line === 'number' && Number.isInteger(record.line) && record.line >= 0) {
    argument.line = record.line;
  }
  if (record.live === true) argument.live = true;
  return argument;
}

export interface VerifyChainInput {
  argument: VerifyChainArgument;
  /** The absolute path the document was checked as (its <VirtualHost> sections live there). */
  entry: string;
  check: CheckResult;
  /** The layered options of that check (document-check.ts), peers and `at` included. */
  options: CheckOptions;
}

export async function runVerifyChain(input: VerifyChainInput): Promise<VerifyChainAnswer> {
  const { argument, entry, check, options } = input;
  const pki = options.pki ?? createPkiStore();
  const verifyOptions = { ...options, pki, peers: peersOf(check, options) };

  let scope: VerifyChainAnswer['scope'] = 'all';
  let reports: VerifyReport[] = [];
  if (argument.line !== undefined) {
    const position = { file: entry, line: argument.line };
    reports = verifyReport(check, { ...verifyOptions, position });
    if (reports.length > 0) scope = 'cursor';
  }
  let message: string | undefined;
  if (scope === 'all') {
    reports = verifyReport(check, verifyOptions);
    if (reports.length === 0) message = 'this config has no TLS virtual host';
    else if (argument.line !== undefined) {
      message = `no TLS <VirtualHost> contains line ${argument.line + 1}; showing all`;
    }
  }
  // Probes go to the hosts and ports the config names, never elsewhere (verify-live.ts).
  if (argument.live === true && reports.length > 0) {
    await addLiveResults(reports, check, verifyOptions, { connect: null, backends: new Map() });
  }

  const title = scope === 'all' ? `${VERIFY_TITLE}: all TLS virtual hosts` : VERIFY_TITLE;
  const nonce = randomBytes(16).toString('base64');
  const html = renderVerifyHtml(reports, { nonce, title, liveButton: true });
  return message === undefined ? { html, scope, reports } : { html, scope, reports, message };
}

/** Declared peers, else those the check discovered in the workspace (as diagnostics do). */
function peersOf(check: CheckResult, options: CheckOptions): KnownPeers {
  if (options.peers !== undefined) return options.peers;
  if (options.discoverPeersIn === undefined) return { clients: [], backends: [] };
  return discoverPeers(options.discoverPeersIn, check.topology, options.pki ?? createPkiStore());
}
