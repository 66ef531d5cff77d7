/** Plain-text rendering of Verify reports for the CLI. */
import type { HopStatus, VerifyReport } from './verify-types';

const MARK: Record<HopStatus | 'skipped', string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unknown: '????',
  skipped: 'SKIP',
};

/** `nameFile` turns absolute paths into what the user typed (relative to the cwd). */
export function formatVerifyText(
  reports: VerifyReport[],
  nameFile: (file: string) => string = (f) => f,
): string {
  const out: string[] = [];
  for (const report of reports) {
    const place = (s: { file: string; line: number }) => `${nameFile(s.file)}:${s.line + 1}`;
    const where = report.source ? ` (${place(report.source)})` : '';
    out.push(`vhost ${report.vhost}${where}`);
    for (const hop of report.hops) {
      out.push(`  [${MARK[hop.status]}] ${hop.from} -> ${hop.to}${hop.url ? ` (${hop.url})` : ''}`);
      for (const check of hop.checks) {
        const rule = check.rule ? ` [${check.rule}]` : '';
        const at = check.source ? ` at ${place(check.source)}` : '';
        out.push(`      ${MARK[check.status]} ${check.name}${rule}${at}`);
        out.push(`           ${check.detail}`);
        if (check.fix) out.push(`           fix: ${check.fix}`);
      }
      if (hop.live) {
        const warn = hop.live.disagrees ? '  <-- DISAGREES with the prediction' : '';
        out.push(`      live ${MARK[hop.live.status]} via ${hop.live.endpoint}${warn}`);
        out.push(`           ${hop.live.detail}`);
      }
    }
  }
  if (reports.length === 0) out.push('No TLS virtual host matches.');
  return `${out.join('\n')}\n`;
}
