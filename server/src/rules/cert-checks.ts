/** Checks shared by every certificate the config makes Apache present or trust. */
import type { Finding } from '../findings';
import type { FileRef } from '../model/types';
import { EKU_ANY, type CertView, type Located } from '../pki/types';
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

/** Whether the EKU extension allows this purpose (absent or anyExtendedKeyUsage allow all). */
export function ekuAllows(cert: CertView, purposeOid: string): boolean {
  const eku = cert.extKeyUsage;
  return eku === null || eku.includes(purposeOid) || eku.includes(EKU_ANY);
}

/**
 * modssl_X509_match_name: the name against every dNSName SAN and every subject CN,
 * case-insensitive; `*.` only as the whole first label, matching exactly one label.
 * iPAddress SANs are not consulted (Apache's backend name check ignores them).
 */
export function apacheNameMatches(cert: CertView, hostname: string): boolean {
  const host = hostname.toLowerCase();
  return [...cert.dnsNames, ...cert.commonNames].some((id) => dnsIdMatches(id, host));
}

/**
 * What TLS clients (browsers, curl) accept for a server name: SAN dNSName/iPAddress when a SAN
 * is present, the CN only when there is no SAN at all (curl still falls back; browsers do not).
 */
export function clientNameMatches(cert: CertView, hostname: string): 'san' | 'cn-only' | 'no' {
  const host = hostname.toLowerCase();
  if (cert.dnsNames.some((id) => dnsIdMatches(id, host))) return 'san';
  if (cert.ipAddresses.some((ip) => ip.toLowerCase() === host)) return 'san';
  const hasSan = cert.dnsNames.length > 0 || cert.ipAddresses.length > 0;
  if (!hasSan && cert.commonNames.some((id) => dnsIdMatches(id, host))) return 'cn-only';
  return 'no';
}

function dnsIdMatches(id: string, host: string): boolean {
  const pattern = id.toLowerCase();
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === pattern.slice(2);
}
