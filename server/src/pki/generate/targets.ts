/**
 * Plans files for a list of targets ("this path needs a server certificate for these
 * names"), issuing one credential per (profile, names) so that a certificate target and the
 * key target with the same names get a matching pair. This is the API behind `generate`
 * single profiles, the seed layout and the lead's `--for CONFIG` mode.
 */
import { dirname } from 'node:path';
import { buildPkcs12 } from './pkcs12';
import { issueCertificate } from './issue-certificate';
import { exportTraditionalPem } from './key-pair';
import { encodePem, sha256Hex } from './pem-encoding';
import type {
  IssuedCredential,
  IssuingCa,
  KeyType,
  PlannedFile,
  Profile,
  SubjectFields,
} from './types';

export type TargetKind =
  | 'server-certificate'
  | 'server-key'
  | 'backend-certificate'
  | 'backend-key'
  | 'client-certificate'
  | 'client-key'
  | 'client-pkcs12'
  /** SSLProxyMachineCertificateFile: certificate then its traditional key, one file. */
  | 'proxy-client-bundle'
  /** Intermediates above a proxy-client certificate (SSLProxyMachineCertificateChainFile). */
  | 'proxy-client-chain'
  /** The issuing CA's certificate and its issuers (SSLCACertificateFile and friends). */
  | 'ca-certificate';

export interface GenerationTarget {
  path: string;
  kind: TargetKind;
  /**
   * DNS names / IPs for server and backend certificates (first one is the CN); for client
   * and proxy-client, the first is the CN and all go into the SAN.
   */
  names: string[];
}

export interface GenerationOptions {
  keyType: KeyType;
  days: number;
  /** Subject fields other than CN applied to every leaf (O, OU, C...). */
  subjectDefaults?: Omit<SubjectFields, 'commonName'>;
  /** Required when any target is `client-pkcs12`. Never printed. */
  pkcs12Password?: string;
}

const PROFILE_OF: Record<TargetKind, Profile | null> = {
  'server-certificate': 'server',
  'server-key': 'server',
  'backend-certificate': 'backend',
  'backend-key': 'backend',
  'client-certificate': 'client',
  'client-key': 'client',
  'client-pkcs12': 'client',
  'proxy-client-bundle': 'proxy-client',
  'proxy-client-chain': 'proxy-client',
  'ca-certificate': null,
};

const DESCRIPTION_OF: Record<TargetKind, string> = {
  'server-certificate': 'server certificate',
  'server-key': 'server private key',
  'backend-certificate': 'backend server certificate',
  'backend-key': 'backend private key',
  'client-certificate': 'client certificate',
  'client-key': 'client private key',
  'client-pkcs12': 'client PKCS#12 (certificate + key + chain)',
  'proxy-client-bundle': 'proxy client certificate + key',
  'proxy-client-chain': 'proxy client intermediate chain',
  'ca-certificate': 'CA certificate',
};

const SECRET_KINDS = new Set<TargetKind>([
  'server-key',
  'backend-key',
  'client-key',
  'client-pkcs12',
  'proxy-client-bundle',
]);

function credentialKey(profile: Profile, names: string[]): string {
  return `${profile}\u0000${names.join('\u0000')}`;
}

function pemOfAll(ders: Uint8Array[]): string {
  return ders.map((der) => encodePem('CERTIFICATE', der)).join('');
}

async function contentFor(
  target: GenerationTarget,
  credential: IssuedCredential | null,
  ca: IssuingCa,
  options: GenerationOptions,
): Promise<{ text: Uint8Array; firstCertificate: Uint8Array | null }> {
  if (credential === null) {
    const text = pemOfAll([ca.certificateDer, ...ca.issuerChainDer]);
    return { text: Buffer.from(text), firstCertificate: ca.certificateDer };
  }
  const leaf = credential.certificateDer;
  switch (target.kind) {
    case 'server-key':
    case 'backend-key':
    case 'client-key':
      return {
        text: Buffer.from(await exportTraditionalPem(credential.privateKey)),
        firstCertificate: null,
      };
    case 'proxy-client-bundle': {
      const bundle =
        encodePem('CERTIFICATE', leaf) + (await exportTraditionalPem(credential.privateKey));
      return { text: Buffer.from(bundle), firstCertificate: leaf };
    }
    case 'proxy-client-chain':
      return {
        text: Buffer.from(pemOfAll(credential.intermediatesDer)),
        firstCertificate: credential.intermediatesDer[0] ?? null,
      };
    case 'client-pkcs12': {
      const der = await buildPkcs12({
        certificateDer: leaf,
        privateKey: credential.privateKey,
        chainDer: credential.issuerChainDer,
        friendlyName: target.names[0] ?? 'client',
        password: options.pkcs12Password ?? '',
      });
      return { text: der, firstCertificate: leaf };
    }
    default:
      // Certificates served in a handshake carry their intermediates (not the root).
      return {
        text: Buffer.from(pemOfAll([leaf, ...credential.intermediatesDer])),
        firstCertificate: leaf,
      };
  }
}

function checkTargets(targets: GenerationTarget[], options: GenerationOptions): void {
  const paths = new Set<string>();
  for (const target of targets) {
    if (paths.has(target.path)) throw new Error(`two targets share the path ${target.path}`);
    paths.add(target.path);
    const profile = PROFILE_OF[target.kind];
    if (profile !== null && target.names.length === 0) {
      throw new Error(`${target.path}: a ${DESCRIPTION_OF[target.kind]} needs a name`);
    }
    if (target.kind === 'client-pkcs12' && !options.pkcs12Password) {
      throw new Error(`${target.path}: a PKCS#12 file needs a password`);
    }
  }
}

/**
 * Issues what `targets` need from `ca` and returns the files to write (nothing is written).
 * Certificates are PEM with intermediates after the leaf; keys are traditional PEM.
 */
export async function generateForTargets(
  targets: GenerationTarget[],
  ca: IssuingCa,
  options: GenerationOptions,
): Promise<PlannedFile[]> {
  checkTargets(targets, options);

  const credentials = new Map<string, Promise<IssuedCredential>>();
  for (const target of targets) {
    const profile = PROFILE_OF[target.kind];
    if (profile === null) continue;
    const key = credentialKey(profile, target.names);
    if (credentials.has(key)) continue;
    const subject = { ...options.subjectDefaults, commonName: target.names[0] ?? '' };
    const request = {
      profile,
      keyType: options.keyType,
      subject,
      altNames: target.names,
      days: options.days,
    };
    credentials.set(key, issueCertificate(request, ca));
  }

  // Key generation dominates; issuing in parallel lets RSA keygen use the thread pool.
  const planned = await Promise.all(
    targets.map(async (target): Promise<PlannedFile | null> => {
      const profile = PROFILE_OF[target.kind];
      const credential =
        profile === null ? null : await credentials.get(credentialKey(profile, target.names))!;
      // A chain file for a certificate issued straight by the root would be empty.
      if (target.kind === 'proxy-client-chain' && credential?.intermediatesDer.length === 0) {
        return null;
      }
      const { text, firstCertificate } = await contentFor(target, credential, ca, options);
      const secret = SECRET_KINDS.has(target.kind);
      return {
        path: target.path,
        content: text,
        mode: secret ? 0o600 : 0o644,
        secret,
        privateFolder: false,
        description: DESCRIPTION_OF[target.kind],
        certificateSha256: firstCertificate === null ? null : sha256Hex(firstCertificate),
      };
    }),
  );
  return planned.filter((file): file is PlannedFile => file !== null);
}

/** Folders of `files`, for the rule that a CA key never shares a folder with them. */
export function foldersOf(files: PlannedFile[]): Set<string> {
  return new Set(files.map((file) => dirname(file.path)));
}
