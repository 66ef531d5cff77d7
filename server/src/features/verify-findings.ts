/**
 * Maps checkConfig findings onto the hops of the Verify report: a finding belongs to a hop when
 * it sits on one of the hop's directives and its rule is one the hop can fail on. The rules
 * stay the only judges; the report only sorts their verdicts.
 */
import type { DirectiveNode, SectionNode } from '../config/types';
import type { Finding, RuleId } from '../findings';
import type { FileRef, Setting } from '../model/types';
import { RULES } from '../rules/rule-table';
import { fixFor } from './verify-fixes';
import type { HopKind, HopStatus, VerifyCheck } from './verify-types';

/** Rules that can fail a hop whichever directive they sit on (the files it names). */
const FILE_RULES: readonly RuleId[] = [
  'file-missing',
  'pem-invalid',
  'pem-glued',
  'cert-expired',
  'cert-expiring',
  'weak-crypto',
  'key-permissions',
  'ca-key-exposed',
  'argument',
  'directive-context',
];

export const HOP_RULES: Record<HopKind, readonly RuleId[]> = {
  'client-to-apache': [
    'client-ca-missing',
    'client-ca-no-root',
    'verify-depth',
    'client-untrusted',
    'revocation',
  ],
  'apache-identity': [
    'key-mismatch',
    'key-missing',
    'key-encrypted',
    'chain-order',
    'chain-incomplete',
    'server-name',
    'server-eku',
    'server-is-ca',
  ],
  'apache-to-backend': [
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
    'backend-untrusted',
  ],
};

/** Warnings that still mean a failed handshake or request for this hop. */
const FAILING_WARNINGS: readonly RuleId[] = ['server-name', 'proxy-peer-ip', 'chain-order'];

/**
 * The directives whose findings a hop collects, and the <VirtualHost> in which any finding of
 * the hop's own rules belongs to it (e.g. `server-name` on a ServerAlias line).
 */
export class DirectiveSet {
  private readonly directives: DirectiveNode[] = [];
  private section: SectionNode | null = null;

  within(section: SectionNode | null): this {
    this.section = section;
    return this;
  }

  inSection(finding: Finding): boolean {
    const section = this.section;
    if (section === null || section.file !== finding.file) return false;
    const line = finding.range.start.line;
    return section.range.start.line <= line && line <= section.range.end.line;
  }

  add(...items: (DirectiveNode | FileRef | Setting<unknown> | null | undefined)[]): this {
    for (const item of items) {
      if (!item) continue;
      if ('kind' in item) this.directives.push(item);
      else if ('localPath' in item) this.directives.push(item.directive);
      else if (item.directive) this.directives.push(item.directive);
    }
    return this;
  }

  holds(finding: Finding): boolean {
    const line = finding.range.start.line;
    return this.directives.some(
      (d) => d.file === finding.file && d.range.start.line <= line && line <= d.range.end.line,
    );
  }
}

export function findingsForHop(
  findings: readonly Finding[],
  kind: HopKind,
  directives: DirectiveSet,
): Finding[] {
  const rules = HOP_RULES[kind];
  return findings.filter((f) =>
    directives.holds(f)
      ? rules.includes(f.rule) || FILE_RULES.includes(f.rule)
      : directives.inSection(f) && rules.includes(f.rule),
  );
}

/** A finding as a check: errors (and warnings that break the hop) fail it. */
export function checkFromFinding(finding: Finding): VerifyCheck {
  const severity = finding.severity ?? RULES[finding.rule].severity;
  const fails =
    severity === 'error' || (severity === 'warning' && FAILING_WARNINGS.includes(finding.rule));
  const status: HopStatus = fails ? 'fail' : 'pass';
  const check: VerifyCheck = {
    name: RULES[finding.rule].title,
    status,
    detail: fails ? finding.message : `${severity}: ${finding.message}`,
    rule: finding.rule,
    source: { file: finding.file, line: finding.range.start.line },
  };
  const fix = fails ? fixFor(finding.rule) : undefined;
  if (fix !== undefined) check.fix = fix;
  return check;
}

/** fail beats unknown beats pass. */
export function worstStatus(statuses: readonly HopStatus[]): HopStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('unknown')) return 'unknown';
  return 'pass';
}
