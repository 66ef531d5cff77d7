/** Whether a certificate covers a host name, by the two rules that matter for Apache setups. */
import type { CertView } from './types';

/**
 * mod_ssl's backend check (modssl_X509_match_name): the name against every dNSName SAN and
 * every subject CN, case-insensitive; `*.` only as the whole first label, matching exactly one
 * label. iPAddress SANs are not consulted.
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
