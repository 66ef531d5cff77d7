/**
 * Hover contents (Markdown): a directive's table entry, or what a certificate / key / bundle
 * file holds. Never key material: keys are described by type, size and format only.
 */
import type { DirectiveInfo } from '../config/directives';
import type { CertView, KeyView, LoadedPemFile, Located, PublicKeyInfo } from '../pki/types';
import { EKU_ANY, EKU_CLIENT_AUTH, EKU_SERVER_AUTH } from '../pki/types';

const DAY_MS = 86_400_000;

const SHAPE_SYNTAX: Record<DirectiveInfo['args'], string> = {
  none: '',
  flag: ' On|Off',
  take1: ' argument',
  take2: ' argument argument',
  take3: ' argument argument argument',
  take12: ' argument [argument]',
  take13: ' argument [argument [argument]]',
  take23: ' argument argument [argument]',
  take123: ' argument [argument [argument]]',
  iterate: ' argument [argument] ...',
  iterate2: ' argument value [value] ...',
  raw: ' text...',
};

export function directiveHover(info: DirectiveInfo): string {
  const syntax = info.section
    ? `<${info.name}${SHAPE_SYNTAX[info.args]}> ... </${info.name}>`
    : `${info.name}${SHAPE_SYNTAX[info.args]}`;
  return [
    '```apacheconf',
    syntax,
    '```',
    info.description,
    '',
    `**Context:** ${info.contexts.join(', ')}  `,
    `**Default:** ${info.default === null ? 'none' : `\`${info.default}\``}  `,
    `**Module:** ${info.module}`,
    '',
    `[Apache manual](${info.manualUrl})`,
  ].join('\n');
}

/** "expires in 41 days", "expired 3 days ago", "not valid before 2030-01-01". */
export function validityPhrase(cert: CertView, now: Date): string {
  if (now < cert.notBefore) return `not valid before ${cert.notBefore.toISOString().slice(0, 10)}`;
  const days = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (now > cert.notAfter) return `expired ${Math.max(0, -days - 1)} days ago`;
  return days === 1 ? 'expires in 1 day' : `expires in ${days} days`;
}

function keyDescription(key: PublicKeyInfo): string {
  if (key.algorithm === 'ec') return `EC ${key.curve ?? `${key.bits} bits`}`;
  if (key.bits > 0) return `${key.algorithm.toUpperCase()} ${key.bits} bits`;
  return key.algorithm.toUpperCase();
}

const EKU_NAMES: Record<string, string> = {
  [EKU_SERVER_AUTH]: 'serverAuth',
  [EKU_CLIENT_AUTH]: 'clientAuth',
  [EKU_ANY]: 'anyExtendedKeyUsage',
};

/** Where a certificate sits among its file's certificates (file order). */
function placeInFile(certs: readonly Located<CertView>[], index: number): string {
  const cert = certs[index]?.value;
  if (cert === undefined) return '';
  const role = cert.selfIssued ? 'root (self-signed)' : cert.isCA ? 'intermediate CA' : 'leaf';
  const next = certs[index + 1]?.value;
  if (next === undefined) return role;
  const issuedByNext = Buffer.from(cert.issuerDer).equals(Buffer.from(next.subjectDer));
  return `${role}, ${issuedByNext ? 'issued by the next block' : 'NOT issued by the next block'}`;
}

function colonHex(hex: string): string {
  return (hex.match(/../g) ?? []).join(':');
}

function certificateLines(certs: readonly Located<CertView>[], index: number, now: Date): string[] {
  const located = certs[index];
  if (located === undefined) return [];
  const cert = located.value;
  const names = [
    ...cert.dnsNames.map((n) => `DNS:${n}`),
    ...cert.ipAddresses.map((n) => `IP:${n}`),
  ];
  const eku =
    cert.extKeyUsage === null
      ? 'none (any purpose)'
      : cert.extKeyUsage.map((oid) => EKU_NAMES[oid] ?? oid).join(', ');
  return [
    `**Certificate** (block ${located.block.index + 1}, ` +
      `line ${located.block.range.start.line + 1}) - ${placeInFile(certs, index)}`,
    `- Subject: \`${cert.subject}\``,
    `- Issuer: \`${cert.issuer}\``,
    `- SANs: ${names.length === 0 ? 'none' : names.join(', ')}`,
    `- EKU: ${eku}`,
    `- Valid: ${cert.notBefore.toISOString().slice(0, 10)} to ` +
      `${cert.notAfter.toISOString().slice(0, 10)} (${validityPhrase(cert, now)})`,
    `- Key: ${keyDescription(cert.publicKey)}`,
    `- SHA-256: \`${colonHex(cert.sha256)}\``,
  ];
}

function keyLines(located: Located<KeyView>): string[] {
  const key = located.value;
  const kind = key.publicKey === null ? 'unreadable here' : keyDescription(key.publicKey);
  return [
    `**Private key** (block ${located.block.index + 1}, ` +
      `line ${located.block.range.start.line + 1})`,
    key.encrypted ? `- Encrypted, ${key.format}` : `- Not encrypted, ${key.format}, ${kind}`,
  ];
}

/** Markdown for a certificate, key, bundle or CA file; `shownPath` is the path as configured. */
export function pemFileHover(file: LoadedPemFile, shownPath: string, now: Date): string {
  const readFrom = file.path !== shownPath ? ` (read from \`${file.path}\`)` : '';
  const header = `\`${shownPath}\`${readFrom}`;
  if (file.problem !== null) return `${header}\n\nCannot use the file: ${file.problem.kind}.`;
  const sections: string[][] = [];
  type Block = { line: number; lines: string[] };
  const blocks: Block[] = [
    ...file.certificates.map((c, i) => ({
      line: c.block.index,
      lines: certificateLines(file.certificates, i, now),
    })),
    ...file.keys.map((k) => ({ line: k.block.index, lines: keyLines(k) })),
    ...file.badCertificates.map((b) => ({
      line: b.block.index,
      lines: [`**Unreadable certificate** (block ${b.block.index + 1}): ${b.reason}`],
    })),
  ];
  for (const block of blocks.sort((a, b) => a.line - b.line)) sections.push(block.lines);
  if (sections.length === 0) return `${header}\n\nNo certificate or key found.`;
  const glued =
    file.pem?.glued === true ? '\n\nBlocks are glued on one line: OpenSSL rejects the file.' : '';
  return `${header}${glued}\n\n${sections.map((lines) => lines.join('\n')).join('\n\n')}`;
}
