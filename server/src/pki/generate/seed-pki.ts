/**
 * The tutorial's whole PKI in one go (seed/apache-reverse-proxy-ssl-client-auth.md): one CA,
 * Apache's server certificate and key, Apache's proxy-client bundle, the backend's
 * certificate and key, and one client certificate, key and PKCS#12.
 *
 * Layout under `outDir` and the directive / flag each file is for:
 * - `ca/ca.crt`: SSLCACertificateFile, SSLProxyCACertificateFile, gunicorn `--ca-certs`,
 *   curl `--cacert`
 * - `ca-private/ca.key`: the CA key, 0600 in a 0700 folder; keep it off servers
 * - `apache/server.crt`, `apache/server.key`: SSLCertificateFile, SSLCertificateKeyFile
 * - `apache/proxy-client.pem`: SSLProxyMachineCertificateFile (cert + traditional key)
 * - `backend/backend.crt`, `backend/backend.key`: gunicorn `--certfile`, `--keyfile`
 * - `client/client.crt`, `client/client.key`, `client/client.p12`: curl `--cert`/`--key`,
 *   or `--cert client.p12:PASSWORD --cert-type P12`
 */
import { join } from 'node:path';
import { caPathsIn, generateRootCa, planCaFiles } from './ca-files';
import { asIssuingCa } from './issue-certificate';
import { generateForTargets, type GenerationTarget } from './targets';
import type { KeyType, PlannedFile, SubjectFields } from './types';

export interface SeedNames {
  /** ServerName first, then every ServerAlias (DNS names or IPs). */
  apacheServerNames: string[];
  /** The host in ProxyPass `https://HOST:PORT/` (what SSLProxyCheckPeerName checks). */
  backendHost: string;
  /** The client certificate's CN (and DNS SAN). */
  clientName: string;
}

export interface SeedOptions {
  keyType: KeyType;
  days: number;
  /** Needed for `client/client.p12`; without it no PKCS#12 file is planned. Never printed. */
  pkcs12Password?: string;
  /** CA subject; default CN `httpd-mtls seed CA`. */
  caSubject?: SubjectFields;
  /** O/OU/C... for every leaf. */
  subjectDefaults?: Omit<SubjectFields, 'commonName'>;
}

/** The seed's target list under `outDir` (also useful to see the layout without issuing). */
export function seedTargets(
  outDir: string,
  names: SeedNames,
  withPkcs12: boolean,
): GenerationTarget[] {
  const apache = names.apacheServerNames;
  const client = [names.clientName];
  const targets: GenerationTarget[] = [
    { path: join(outDir, 'apache', 'server.crt'), kind: 'server-certificate', names: apache },
    { path: join(outDir, 'apache', 'server.key'), kind: 'server-key', names: apache },
    // Apache's client identity toward the backend: named after Apache's own ServerName.
    {
      path: join(outDir, 'apache', 'proxy-client.pem'),
      kind: 'proxy-client-bundle',
      names: apache.slice(0, 1),
    },
    {
      path: join(outDir, 'backend', 'backend.crt'),
      kind: 'backend-certificate',
      names: [names.backendHost],
    },
    {
      path: join(outDir, 'backend', 'backend.key'),
      kind: 'backend-key',
      names: [names.backendHost],
    },
    { path: join(outDir, 'client', 'client.crt'), kind: 'client-certificate', names: client },
    { path: join(outDir, 'client', 'client.key'), kind: 'client-key', names: client },
  ];
  if (withPkcs12) {
    targets.push({
      path: join(outDir, 'client', 'client.p12'),
      kind: 'client-pkcs12',
      names: client,
    });
  }
  return targets;
}

/** Issues the whole seed PKI and returns the files to write under `outDir` (none written). */
export async function generateSeedPki(
  outDir: string,
  names: SeedNames,
  options: SeedOptions,
): Promise<PlannedFile[]> {
  if (names.apacheServerNames.length === 0) throw new Error('Apache needs a ServerName');

  const ca = await generateRootCa({
    keyType: options.keyType,
    days: options.days,
    subject: options.caSubject ?? { commonName: 'httpd-mtls seed CA' },
  });
  const caFiles = await planCaFiles(ca, caPathsIn(outDir));
  const withPkcs12 = options.pkcs12Password !== undefined && options.pkcs12Password !== '';
  const leafFiles = await generateForTargets(
    seedTargets(outDir, names, withPkcs12),
    asIssuingCa(ca),
    {
      keyType: options.keyType,
      days: options.days,
      ...(options.subjectDefaults ? { subjectDefaults: options.subjectDefaults } : {}),
      ...(withPkcs12 ? { pkcs12Password: options.pkcs12Password } : {}),
    },
  );
  return [...caFiles, ...leafFiles];
}
