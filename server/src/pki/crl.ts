/**
 * X.509 CRLs as mod_ssl loads them from SSLCARevocationFile: OpenSSL's file lookup reads the
 * PEM `X509 CRL` blocks of the file (Apache 2.4.71 + OpenSSL 3.0; DER files are not read).
 * Only the fields revocation checking needs before a handshake: who issued it and its times.
 */
import * as pkijs from 'pkijs';
import type { Located, PemFile } from './types';

export interface CrlView {
  /** DER of the issuer Name as encoded in the CRL, for byte-wise matching with a CA subject. */
  issuerDer: Uint8Array;
  /** One-line rendering of the issuer, e.g. `CN=Test Root CA,O=My Organization`. */
  issuer: string;
  thisUpdate: Date;
  /** null when the CRL has no nextUpdate (OpenSSL then never calls it expired). */
  nextUpdate: Date | null;
}

export const CRL_LABEL = 'X509 CRL';

/** The CRLs of a PEM file in block order; blocks that do not parse are left out. */
export function readCrls(pem: PemFile): Located<CrlView>[] {
  const crls: Located<CrlView>[] = [];
  for (const block of pem.blocks) {
    if (block.label !== CRL_LABEL || block.der === null || block.defects.length > 0) continue;
    const view = parseCrl(block.der);
    if (view) crls.push({ value: view, file: pem.path, block });
  }
  return crls;
}

/** Parses one DER CRL; null when it is not one. Never throws. */
export function parseCrl(der: Uint8Array): CrlView | null {
  try {
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    const original = crl.issuer.valueBeforeDecode;
    const issuerDer =
      original !== undefined && original.byteLength > 0
        ? new Uint8Array(original)
        : new Uint8Array(crl.issuer.toSchema().toBER());
    return {
      issuerDer,
      issuer: crl.issuer.typesAndValues
        .map((tv) => `${shortName(tv.type)}=${String(tv.value.valueBlock.value)}`)
        .reverse()
        .join(','),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value ?? null,
    };
  } catch {
    return null;
  }
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

function shortName(oid: string): string {
  return SHORT_NAMES[oid] ?? oid;
}
