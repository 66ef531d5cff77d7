/**
 * Finding -> reported severity and Finding -> LSP Diagnostic: the one place where severity
 * overrides, positions, codeDescription and related locations are converted. The CLI and the
 * language server both report through here, so they agree on every level.
 */
import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Finding, RuleId, Severity } from '../findings';
import type { RuleInfo } from '../rules/types';

/** Per-rule level in settings; `ignore` drops the rule's findings. */
export type RuleLevel = 'ignore' | 'information' | 'warning' | 'error';
export const RULE_LEVELS: readonly RuleLevel[] = ['ignore', 'information', 'warning', 'error'];

export type RuleLevels = Partial<Record<RuleId, RuleLevel>>;

export const DIAGNOSTIC_SOURCE = 'httpd-mtls';

/** LSP DiagnosticSeverity numbers (fixed by the protocol: 1 error ... 4 hint). */
const LSP_SEVERITY: Record<Severity, 1 | 2 | 3 | 4> = {
  error: 1,
  warning: 2,
  information: 3,
  hint: 4,
};

/** Severity order for `--fail-on`: higher is worse. */
export const SEVERITY_RANK: Record<Severity, number> = {
  hint: 0,
  information: 1,
  warning: 2,
  error: 3,
};

/**
 * The level a finding is reported at, or null when its rule is set to `ignore`.
 * Order: the per-rule override, else the finding's own level (two-level rules), else the table.
 */
export function reportedSeverity(
  finding: Finding,
  rules: Record<RuleId, RuleInfo>,
  levels: RuleLevels,
): Severity | null {
  const override = levels[finding.rule];
  if (override === 'ignore') return null;
  if (override !== undefined) return override;
  return finding.severity ?? rules[finding.rule]?.severity ?? 'error';
}

const uris = new Map<string, string>();

/** `file://` URI of a local path (kept per path: a re-check converts a thousand of them). */
export function fileUri(file: string): string {
  let uri = uris.get(file);
  if (uri === undefined) {
    if (uris.size >= 100_000) uris.clear();
    uri = pathToFileURL(file).href;
    uris.set(file, uri);
  }
  return uri;
}

/** The Diagnostic for a finding, or null when its rule is ignored. `data` is passed through. */
export function toDiagnostic(
  finding: Finding,
  rules: Record<RuleId, RuleInfo>,
  levels: RuleLevels,
): Diagnostic | null {
  const severity = reportedSeverity(finding, rules, levels);
  if (severity === null) return null;

  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: LSP_SEVERITY[severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    message: finding.message,
  };
  const docs = rules[finding.rule]?.docs;
  if (docs) diagnostic.codeDescription = { href: docs };
  if (finding.related && finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map(
      (related): DiagnosticRelatedInformation => ({
        location: { uri: fileUri(related.file), range: related.range },
        message: related.message,
      }),
    );
  }
  if (finding.data !== undefined) diagnostic.data = finding.data;
  return diagnostic;
}

/**
 * Diagnostics of one check by file URI: every file it read, and the lists of those that have
 * some. Most files of a big tree have none, and a re-check changes a few: the store compares
 * `found` alone while `files` is the same array (see diagnostic-store.ts).
 */
export interface FileDiagnostics {
  /** URIs of every file the check read, each published (empty when it has nothing). */
  files: readonly string[];
  /** Diagnostics of the files that have some (never an empty list), by URI. */
  found: Map<string, Diagnostic[]>;
}

/** Groups findings into diagnostics per file URI; only files with some get an entry. */
export function diagnosticsByUri(
  findings: Finding[],
  rules: Record<RuleId, RuleInfo>,
  levels: RuleLevels,
): Map<string, Diagnostic[]> {
  const byUri = new Map<string, Diagnostic[]>();
  for (const finding of findings) {
    const diagnostic = toDiagnostic(finding, rules, levels);
    if (diagnostic === null) continue;
    const uri = fileUri(finding.file);
    const list = byUri.get(uri);
    if (list === undefined) byUri.set(uri, [diagnostic]);
    else list.push(diagnostic);
  }
  return byUri;
}
