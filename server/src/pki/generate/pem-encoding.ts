/**
 * Minimal PEM encoding for generated files and reading back our own CA certificate.
 * Defect-aware reading of user files is the PEM reader's job in `pki/`, not this one's.
 */
import { createHash } from 'node:crypto';

/** RFC 7468 strict form: 64-column base64 lines, LF line ends, trailing newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** DER of every `CERTIFICATE` block in `text`, in file order. */
export function decodeCertificatePems(text: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  const pattern = /^-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)^-----END CERTIFICATE-----/gm;
  for (const match of text.matchAll(pattern)) {
    blocks.push(new Uint8Array(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return blocks;
}

/** Uppercase hex SHA-256 without separators (the CertView.sha256 convention). */
export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

/** `AB:CD:...` form, as `openssl x509 -fingerprint -sha256` prints it. */
export function colonFingerprint(hex: string): string {
  return (hex.match(/../g) ?? []).join(':');
}
