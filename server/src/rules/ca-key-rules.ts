/**
 * `ca-key-exposed`: the private key of a CA certificate (basicConstraints CA:TRUE) that the
 * config's files hold, found in a file the config names or beside one (the folder of any
 * SSL*File path). Whoever reads that folder can issue certificates every vhost trusting the CA
 * accepts; a CA key belongs offline. Apache itself never reads it, so this is a warning.
 */
import { basename, dirname } from 'node:path';
import type { Finding } from '../findings';
import type { FileRef, VirtualHostModel } from '../model/types';
import { keyMatchesCertificate } from '../pki/keys';
import type { CertView, KeyView, LoadedPemFile, Located } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import type { RuleContext, RuleFamily } from './types';

/** Files read per folder: a system folder (/etc/ssl/certs) must not slow every check down. */
const MAX_FOLDER_FILES = 200;

export const caKeyRules: RuleFamily = { config: caKeyFindings };

function caKeyFindings(ctx: RuleContext): Finding[] {
  const refs = namedFileRefs(ctx);
  const caCerts = refs
    .flatMap((ref) => ctx.pki.load(ref.localPath).certificates)
    .filter((c) => c.value.isCA);
  if (caCerts.length === 0) return [];

  const findings: Finding[] = [];
  const reported = new Set<string>();
  const exposedIn = (path: string): Located<CertView> | null => {
    if (reported.has(path)) return null;
    const ca = caOfKeysIn(ctx.pki.load(path), caCerts);
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

/**
 * The CA certificate a key in `file` belongs to, kept per loaded file (the store hands back
 * the same object while the file is unchanged) and list of CA certificates.
 */
const matches = new WeakMap<
  LoadedPemFile,
  { cas: Located<CertView>[]; ca: Located<CertView> | null }
>();

function caOfKeysIn(file: LoadedPemFile, caCerts: Located<CertView>[]): Located<CertView> | null {
  if (file.problem || file.keys.length === 0) return null;
  const kept = matches.get(file);
  if (kept !== undefined && sameList(kept.cas, caCerts)) return kept.ca;
  const ca = matchingCa(file.keys, caCerts);
  matches.set(file, { cas: caCerts, ca });
  return ca;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
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

/** Every mod_ssl file the config names, server side and proxy side (first ref per path). */
function namedFileRefs(ctx: RuleContext): FileRef[] {
  const unique = new Map<string, FileRef>();
  for (const vhost of [ctx.topology.main, ...ctx.topology.vhosts]) {
    for (const ref of refsOf(vhost)) if (!unique.has(ref.localPath)) unique.set(ref.localPath, ref);
  }
  return [...unique.values()];
}

/** A server's file refs, kept per model (models are reused while unchanged). */
const serverRefs = new WeakMap<VirtualHostModel, FileRef[]>();

function refsOf(vhost: VirtualHostModel): FileRef[] {
  let kept = serverRefs.get(vhost);
  if (kept !== undefined) return kept;
  const refs: (FileRef | null)[] = [];
  const tls = vhost.tls;
  refs.push(...tls.certificateFiles, ...tls.keyFiles, tls.chainFile, tls.caCertificateFile);
  refs.push(tls.revocationFile);
  for (const route of vhost.routes) {
    const proxy = route.proxyTls;
    refs.push(proxy.caCertificateFile, proxy.machineCertificateFile);
    refs.push(proxy.machineCertificateChainFile);
  }
  kept = refs.filter((ref): ref is FileRef => ref !== null);
  serverRefs.set(vhost, kept);
  return kept;
}
