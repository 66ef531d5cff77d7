/**
 * A CA on disk: `<dir>/ca/ca.crt` (the CA certificate first, then its issuers up to the
 * root) and `<dir>/ca-private/ca.key` (its key, 0600, in a 0700 folder of its own so it is
 * never copied or served along with the certificates).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { issueCertificate, asIssuingCa } from './issue-certificate';
import { exportTraditionalPem, importSigningKey } from './key-pair';
import { readPem } from '../pem';
import { encodePem, sha256Hex } from './pem-encoding';
import type { IssuedCredential, IssuingCa, KeyType, PlannedFile, SubjectFields } from './types';

export interface CaPaths {
  certificate: string;
  key: string;
}

/** Where a CA lives under `dir` (the layout `generate ca` and `generate seed` write). */
export function caPathsIn(dir: string): CaPaths {
  return { certificate: join(dir, 'ca', 'ca.crt'), key: join(dir, 'ca-private', 'ca.key') };
}

export interface CaOptions {
  keyType: KeyType;
  days: number;
  subject: SubjectFields;
  /** basicConstraints pathLen; default 1 for a root (room for one intermediate), 0 below. */
  pathLength?: number | null;
}

export async function generateRootCa(options: CaOptions): Promise<IssuedCredential> {
  return issueCertificate(
    {
      profile: 'root-ca',
      keyType: options.keyType,
      subject: options.subject,
      altNames: [],
      days: options.days,
      pathLength: options.pathLength === undefined ? 1 : options.pathLength,
    },
    null,
  );
}

export async function generateIntermediateCa(
  options: CaOptions,
  issuer: IssuingCa,
): Promise<IssuedCredential> {
  return issueCertificate(
    {
      profile: 'intermediate-ca',
      keyType: options.keyType,
      subject: options.subject,
      altNames: [],
      days: options.days,
      pathLength: options.pathLength === undefined ? 0 : options.pathLength,
    },
    issuer,
  );
}

/** The two files of a CA credential at `paths`; nothing is written. */
export async function planCaFiles(
  credential: IssuedCredential,
  paths: CaPaths,
): Promise<PlannedFile[]> {
  const certificates = [credential.certificateDer, ...credential.issuerChainDer];
  const fingerprint = sha256Hex(credential.certificateDer);
  return [
    {
      path: paths.certificate,
      content: Buffer.from(certificates.map((der) => encodePem('CERTIFICATE', der)).join('')),
      mode: 0o644,
      secret: false,
      privateFolder: false,
      description:
        credential.profile === 'root-ca'
          ? 'root CA certificate'
          : 'intermediate CA certificate (with its issuers)',
      certificateSha256: fingerprint,
    },
    {
      path: paths.key,
      content: Buffer.from(await exportTraditionalPem(credential.privateKey)),
      mode: 0o600,
      secret: true,
      privateFolder: true,
      description: 'CA private key (keep offline; never deploy)',
      certificateSha256: null,
    },
  ];
}

/**
 * Reads a CA written by `planCaFiles` (or any PEM cert + unencrypted key pair). Errors
 * name the path and never include file contents.
 */
export async function loadIssuingCa(paths: CaPaths): Promise<IssuingCa> {
  const certificates = readPem(readFileSync(paths.certificate), paths.certificate)
    .blocks.filter((block) => block.label === 'CERTIFICATE' && block.der !== null)
    .map((block) => block.der as Uint8Array);
  const [certificateDer, ...issuerChainDer] = certificates;
  if (certificateDer === undefined) throw new Error(`${paths.certificate}: no CERTIFICATE block`);

  let signing;
  try {
    signing = await importSigningKey(readFileSync(paths.key, 'utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'unreadable';
    throw new Error(`${paths.key}: ${reason}`, { cause });
  }
  const certificate = pkijs.Certificate.fromBER(certificateDer);
  const certificateSpki = Buffer.from(certificate.subjectPublicKeyInfo.toSchema().toBER(false));
  if (!certificateSpki.equals(signing.spkiDer)) {
    throw new Error(`${paths.key} does not belong to the certificate in ${paths.certificate}`);
  }
  return {
    certificateDer,
    privateKey: signing.privateKey,
    keyType: signing.keyType,
    issuerChainDer,
  };
}

export { asIssuingCa };
