/**
 * `ca-key-exposed`: the private key of a CA certificate (basicConstraints CA:TRUE) that the
 * config's files hold, found in a file the config names or beside one (the folder of any
 * SSL*File path). Whoever reads that folder can issue certificates every vhost trusting the CA
 * accepts; a CA key belongs offline. Apache itself never reads it, so this is a warning.
 */
import { basename, dirname } from 'node:path';
import type { Finding } from '../findings';
import type { FileRef } from '../model/types';
import { keyMatchesCertificate } from '../pki/keys';
import type { CertView, KeyView, Located } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import type { RuleContext } from './types';

/** Files read per folder: a system folder (/etc/ssl/certs) must not slow every check down. */
const MAX_FOLDER_FILES = 200;

export function caKeyRules(ctx: RuleContext): Finding[] {
  const refs = namedFileRefs(ctx);
  const caCerts = refs
    .flatMap((ref) => ctx.pki.load(ref.localPath).certificates)
    .filter((c) => c.value.isCA);
  if (caCerts.length === 0) return [];

  const findings: Finding[] = [];
  const reported = new Set<string>();
  const exposedIn = (path: string): Located<CertView> | null => {
    if (reported.has(path)) return null;
    const file = ctx.pki.load(path);
    const ca = file.problem ? null : matchingCa(file.keys, caCerts);
    if (ca) reported.add(path);
    return ca;
  };

  for (const ref of refs) {
    const ca = exposedIn(ref.localPath);
    if (ca) findings.push(exposure(ref, `${ref.deployedPath} holds`, [ca]));
  }
  // One finding per folder, on the first directive naming a file in it.
  const folders = new Map<string, FileRef>();
  for (const ref of refs) {
    const folder = dirname(ref.localPath);
    if (!isPathDirective(ref) && !folders.has(folder)) folders.set(folder, ref);
  }
  for (const [folder, ref] of folders) {
    const entries = ctx.pki.listDirectory(folder).slice(0, MAX_FOLDER_FILES);
    const hits = entries.flatMap((entry) => {
      const ca = exposedIn(entry);
      return ca ? [{ entry, ca }] : [];
    });
    if (hits.length === 0) continue;
    const names = hits.map((h) => basename(h.entry)).join(', ');
    findings.push(
      exposure(
        ref,
        `The folder of ${ref.deployedPath} holds (${names})`,
        hits.map((h) => h.ca),
      ),
    );
  }
  return findings;
}

function exposure(ref: FileRef, where: string, cas: Located<CertView>[]): Finding {
  const subjects = [...new Set(cas.map((c) => c.value.subject))].join('; ');
  return atFile(
    'ca-key-exposed',
    ref,
    `${where} the private key of the CA ${subjects}: whoever can read it can issue ` +
      'certificates this server trusts. Keep CA keys offline, away from served files.',
    { related: cas.map((c) => blockLocation(c.file, c.block, `CA: ${c.value.subject}`)) },
  );
}

/** The CA certificate one of `keys` belongs to; null when none does. */
function matchingCa(
  keys: Located<KeyView>[],
  caCerts: Located<CertView>[],
): Located<CertView> | null {
  for (const key of keys) {
    if (!key.value.publicKey) continue;
    const ca = caCerts.find((c) => keyMatchesCertificate(key.value, c.value));
    if (ca) return ca;
  }
  return null;
}

function isPathDirective(ref: FileRef): boolean {
  return ref.directive.name.toLowerCase().endsWith('path');
}

/** Every mod_ssl file the config names, server side and proxy side. */
function namedFileRefs(ctx: RuleContext): FileRef[] {
  const refs: (FileRef | null)[] = [];
  for (const vhost of [ctx.topology.main, ...ctx.topology.vhosts]) {
    const tls = vhost.tls;
    refs.push(...tls.certificateFiles, ...tls.keyFiles, tls.chainFile, tls.caCertificateFile);
    refs.push(tls.revocationFile);
    for (const route of vhost.routes) {
      const proxy = route.proxyTls;
      refs.push(proxy.caCertificateFile, proxy.machineCertificateFile);
      refs.push(proxy.machineCertificateChainFile);
    }
  }
  const unique = new Map<string, FileRef>();
  for (const ref of refs) {
    if (ref && !unique.has(ref.localPath)) unique.set(ref.localPath, ref);
  }
  return [...unique.values()];
}
