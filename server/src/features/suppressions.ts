/**
 * In-file suppression comments: a line `# httpd-mtls-disable-next-line rule [rule...]` drops
 * the findings of those rules that start on the next line (every rule when none is named).
 * Apache reads the comment as a comment, so the marker never changes what httpd does. The CLI
 * and the language server both filter through here, so they agree.
 */
import type { Finding } from '../findings';

export const SUPPRESS_MARKER = 'httpd-mtls-disable-next-line';

const MARKER_LINE = new RegExp(`^\\s*#\\s*${SUPPRESS_MARKER}\\b(.*)$`);

/**
 * Rule ids named by a suppression comment on `line`; an empty set means every rule; null
 * when the line is no suppression comment.
 */
export function suppressedRules(line: string): Set<string> | null {
  const match = MARKER_LINE.exec(line);
  if (match === null) return null;
  const rest = (match[1] ?? '').replace(/--.*$/, '');
  return new Set(rest.split(/[\s,]+/).filter((word) => word !== ''));
}

/**
 * The findings minus the suppressed ones. `readText` gives a file's current text (editor
 * buffers first); a file it cannot read suppresses nothing. Lines are 0-based.
 */
export function applySuppressions(
  findings: readonly Finding[],
  readText: (file: string) => string | undefined,
): Finding[] {
  const linesByFile = new Map<string, string[]>();
  const linesOf = (file: string): string[] => {
    let lines = linesByFile.get(file);
    if (lines === undefined) {
      lines = readText(file)?.split(/\r?\n/) ?? [];
      linesByFile.set(file, lines);
    }
    return lines;
  };
  return findings.filter((finding) => {
    const line = finding.range.start.line;
    if (line === 0) return true;
    const rules = suppressedRules(linesOf(finding.file)[line - 1] ?? '');
    return rules === null || (rules.size > 0 && !rules.has(finding.rule));
  });
}
