/** Checks shared by every certificate the config makes Apache present or trust. */
import type { Finding } from '../findings';
import type { FileRef } from '../model/types';
import type { CertView, Located } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import type { RuleContext } from './types';

const DAY_MS = 86_400_000;

/** `cert-expired` / `cert-expiring` for one certificate named through `ref`. */
export function validityFindings(
  ctx: RuleContext,
  ref: FileRef,
  cert: Located<CertView>,
  consequence: string,
): Finding[] {
  const { notBefore, notAfter } = cert.value;
  const subject = cert.value.subject;
  const related = [blockLocation(cert.file, cert.block, subject)];
  if (notAfter.getTime() <= ctx.at.getTime()) {
    return [
      atFile(
        'cert-expired',
        ref,
        `Certificate ${subject} expired on ${isoDay(notAfter)}: ${consequence}.`,
        { related, data: { notAfter: notAfter.toISOString() } },
      ),
    ];
  }
  if (notBefore.getTime() > ctx.at.getTime()) {
    return [
      atFile(
        'cert-expired',
        ref,
        `Certificate ${subject} is not valid before ${isoDay(notBefore)}: ${consequence}.`,
        { related, data: { notBefore: notBefore.toISOString() } },
      ),
    ];
  }
  const daysLeft = Math.floor((notAfter.getTime() - ctx.at.getTime()) / DAY_MS);
  if (daysLeft < ctx.expiryWarningDays) {
    return [
      atFile(
        'cert-expiring',
        ref,
        `Certificate ${subject} expires in ${daysLeft} day(s), on ${isoDay(notAfter)}.`,
        { related, data: { notAfter: notAfter.toISOString(), daysLeft } },
      ),
    ];
  }
  return [];
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Whether the EKU extension allows this purpose as OpenSSL 3 judges it: an absent extension
 * allows all; anyExtendedKeyUsage alone does not (OpenSSL's xku_reject).
 */
export function ekuAllows(cert: CertView, purposeOid: string): boolean {
  const eku = cert.extKeyUsage;
  return eku === null || eku.includes(purposeOid);
}

/** Re-exported for features that judge names the same way as the rules. */
export { apacheNameMatches, clientNameMatches } from '../pki/host-match';
