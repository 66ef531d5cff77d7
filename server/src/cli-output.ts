/**
 * What `httpd-mtls check` prints (DESIGN section 5): the JSON report (version 1, 0-based
 * LSP positions) and the compiler-style text report (1-based line:column for humans).
 */
import * as path from 'node:path';
import type { Finding, Range, RuleId, Severity } from './findings';
import type { RuleInfo } from './rules/types';
import { reportedSeverity, SEVERITY_RANK, type RuleLevels } from './features/diagnostics';

export interface ReportRelated {
  file: string;
  range: Range;
  message: string;
}

/** One entry of `diagnostics` in `--format json`; positions 0-based as in LSP. */
export interface ReportDiagnostic {
  file: string;
  range: Range;
  severity: Severity;
  code: RuleId;
  message: string;
  related: ReportRelated[];
}

export interface Report {
  version: 1;
  diagnostics: ReportDiagnostic[];
}

/**
 * How a file is named in output: the entry exactly as given on the command line; any other
 * file relative to the working directory when inside it, else absolute.
 */
export type FileNamer = (absolute: string) => string;

export function fileNamer(cwd: string, given: Map<string, string>): FileNamer {
  return (absolute) => {
    const asGiven = given.get(absolute);
    if (asGiven !== undefined) return asGiven;
    const relative = path.relative(cwd, absolute);
    return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
  };
}

/** Findings at their reported level, ignored rules dropped, duplicates merged, sorted. */
export function buildReport(
  findings: Finding[],
  rules: Record<RuleId, RuleInfo>,
  levels: RuleLevels,
  name: FileNamer,
): Report {
  const seen = new Set<string>();
  const diagnostics: ReportDiagnostic[] = [];
  for (const finding of findings) {
    const severity = reportedSeverity(finding, rules, levels);
    if (severity === null) continue;
    const key = JSON.stringify([finding.file, finding.range, finding.rule, finding.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({
      file: name(finding.file),
      range: finding.range,
      severity,
      code: finding.rule,
      message: finding.message,
      related: (finding.related ?? []).map((r) => ({ ...r, file: name(r.file) })),
    });
  }
  diagnostics.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.code.localeCompare(b.code),
  );
  return { version: 1, diagnostics };
}

/** True when some diagnostic is at or above `failOn` (`never`: always false). */
export function reachesFailLevel(report: Report, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  return report.diagnostics.some((d) => SEVERITY_RANK[d.severity] >= SEVERITY_RANK[failOn]);
}

const humanPosition = (file: string, range: Range): string =>
  `${file}:${range.start.line + 1}:${range.start.character + 1}`;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 || word === 'information' ? '' : 's'}`;
}

/** `file:line:col: severity: message [code]`, related locations as `note:` lines, a summary. */
export function formatText(report: Report, fileCount: number): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) {
    lines.push(`${humanPosition(d.file, d.range)}: ${d.severity}: ${d.message} [${d.code}]`);
    for (const related of d.related) {
      lines.push(`  ${humanPosition(related.file, related.range)}: note: ${related.message}`);
    }
  }
  const count = (severity: Severity): number =>
    report.diagnostics.filter((d) => d.severity === severity).length;
  const files = plural(fileCount, 'file');
  if (report.diagnostics.length === 0) {
    lines.push(`No problems found in ${files}.`);
  } else {
    const parts = [
      plural(count('error'), 'error'),
      plural(count('warning'), 'warning'),
      plural(count('information'), 'information'),
    ];
    if (count('hint') > 0) parts.push(plural(count('hint'), 'hint'));
    lines.push(`${parts.join(', ')} in ${files}.`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
