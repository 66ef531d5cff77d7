/**
 * PEM encoding for generated files. Reading PEM (our own CA file included) is the job of
 * the defect-aware reader in `pki/pem.ts`.
 */

/** RFC 7468 strict form: 64-column base64 lines, LF line ends, trailing newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Uppercase hex SHA-256 without separators (the CertView.sha256 convention). */
export { sha256Hex } from '../certificate';

/** `AB:CD:...` form, as `openssl x509 -fingerprint -sha256` prints it. */
export function colonFingerprint(hex: string): string {
  return (hex.match(/../g) ?? []).join(':');
}
