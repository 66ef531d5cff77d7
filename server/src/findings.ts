/**
 * The unit every layer reports in. A finding names a rule id from the rule table
 * (`rules/rule-table.ts`) and a place in a file; severity, documentation link and
 * the Apache prediction come from the table, so layers below `rules/` never decide them.
 */

/** 0-based line and UTF-16 code unit offset, exactly as in LSP. */
export interface Position {
  line: number;
  character: number;
}

/** Half-open range [start, end) in 0-based LSP coordinates. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const RULE_IDS = [
  'syntax',
  'unknown-directive',
  'directive-context',
  'argument',
  'include-missing',
  'undefined-variable',
  'file-missing',
  'pem-invalid',
  'pem-glued',
  'key-mismatch',
  'key-missing',
  'key-encrypted',
  'chain-order',
  'chain-incomplete',
  'server-name',
  'server-eku',
  'server-is-ca',
  'client-ca-missing',
  'client-ca-no-root',
  'verify-depth',
  'proxy-engine-missing',
  'proxy-ca-missing',
  'proxy-verify-depth',
  'proxy-bundle-no-key',
  'proxy-bundle-encrypted',
  'proxy-bundle-mismatch',
  'proxy-bundle-pkcs8',
  'proxy-client-eku',
  'proxy-client-missing',
  'proxy-peer-name',
  'proxy-peer-unchecked',
  'proxy-peer-ip',
  'cert-expired',
  'cert-expiring',
  'weak-crypto',
  'revocation',
  'client-untrusted',
  'backend-untrusted',
  'key-permissions',
  'ca-key-exposed',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** A secondary location, e.g. the PEM block at fault for a directive's finding. */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: RuleId;
  /** Absolute path of the file the range is in. */
  file: string;
  range: Range;
  message: string;
  related?: RelatedLocation[];
  /** What a quick fix needs (never key material). Keyed by the fix, not by message text. */
  data?: Record<string, unknown>;
  /**
   * Set only when one rule has two levels (e.g. `argument`: E for a fatal value, W for a
   * value Apache silently reads as 0). Otherwise the rule table's default applies.
   */
  severity?: Severity;
}

export function range(line: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line, character: startChar }, end: { line: endLine, character: endChar } };
}

/** Range of the first line of a file, for findings about a whole file. */
export const FILE_START: Range = range(0, 0, 0, 0);
