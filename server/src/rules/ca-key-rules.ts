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
import { RecordedReads } from '../pki/recorded-reads';
import type { CertView, KeyView, LoadedPemFile, Located, PkiStore } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import { isPathDirective } from './trust-store';
import type { RuleContext, RuleFamily } from './types';
import { sameItems } from '../same-items';
import { ServerSignatures } from '../model/server-signatures';

/** Files read per folder: a system folder (/etc/ssl/certs) must not slow every check down. */
const MAX_FOLDER_FILES = 200;

export const caKeyRules: RuleFamily = { config: caKeyFindings };

/** A finding decided: the unique named file it goes on (index), what holds the key, whose. */
interface Exposure {
  refIndex: number;
  where: string;
  cas: Located<CertView>[];
}

/** Kept between checks of one config (`RuleContext.keep`). */
interface CaKeyMemo {
  servers: ServerSignatures;
  reads: RecordedReads | null;
  exposures: Exposure[];
}

/**
 * The scan reads every named file and every file beside one; a re-check redoes it only when
 * the named paths changed (per-server signatures, see `ServerSignatures`) or a file it read
 * did. The findings are then placed on the current refs again (a site file edit moves
 * its directives without changing what they name).
 */
function caKeyFindings(ctx: RuleContext): Finding[] {
  const memo = ctx.keep?.('ca-key', (): CaKeyMemo => ({
    servers: new ServerSignatures(signatureOf),
    reads: null,
    exposures: [],
  }));
  const sameNames = memo?.servers.same(ctx.topology.servers) ?? false;
  if (memo !== undefined && sameNames && memo.reads?.stillSame(ctx.pki)) {
    return render(ctx, memo.exposures);
  }
  const reads = new RecordedReads(ctx.changes);
  const exposures = decide(namedFileRefs(ctx), reads.recording(ctx.pki));
  if (memo !== undefined) Object.assign(memo, { reads, exposures });
  return render(ctx, exposures);
}

function render(ctx: RuleContext, exposures: Exposure[]): Finding[] {
  if (exposures.length === 0) return [];
  const refs = namedFileRefs(ctx);
  return exposures.map((e) => exposure(refs[e.refIndex], e.where, e.cas));
}

function decide(refs: FileRef[], pki: PkiStore): Exposure[] {
  const caCerts = refs
    .flatMap((ref) => pki.load(ref.localPath).certificates)
    .filter((c) => c.value.isCA);
  if (caCerts.length === 0) return [];

  const exposures: Exposure[] = [];
  const reported = new Set<string>();
  const exposedIn = (path: string): Located<CertView> | null => {
    if (reported.has(path)) return null;
    const ca = caOfKeysIn(pki.load(path), caCerts);
    if (ca) reported.add(path);
    return ca;
  };

  refs.forEach((ref, refIndex) => {
    const ca = exposedIn(ref.localPath);
    if (ca) exposures.push({ refIndex, where: `${ref.deployedPath} holds`, cas: [ca] });
  });
  // One finding per folder, on the first directive naming a file in it.
  const folders = new Map<string, number>();
  refs.forEach((ref, refIndex) => {
    const folder = dirname(ref.localPath);
    if (!isPathDirective(ref) && !folders.has(folder)) folders.set(folder, refIndex);
  });
  for (const [folder, refIndex] of folders) {
    const entries = pki.listDirectory(folder).slice(0, MAX_FOLDER_FILES);
    const hits = entries.flatMap((entry) => {
      const ca = exposedIn(entry);
      return ca ? [{ entry, ca }] : [];
    });
    if (hits.length === 0) continue;
    const names = hits.map((h) => basename(h.entry)).join(', ');
    exposures.push({
      refIndex,
      where: `The folder of ${refs[refIndex].deployedPath} holds (${names})`,
      cas: hits.map((h) => h.ca),
    });
  }
  return exposures;
}

/** What decides the scan for one server: the paths it names, in order (kept per model). */
const signatures = new WeakMap<VirtualHostModel, string>();

function signatureOf(vhost: VirtualHostModel): string {
  let signature = signatures.get(vhost);
  if (signature === undefined) {
    signature = refsOf(vhost)
      .map((ref) => `${ref.localPath}\u0000${ref.deployedPath}\u0000${isPathDirective(ref)}`)
      .join('\u0001');
    signatures.set(vhost, signature);
  }
  return signature;
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
  if (kept !== undefined && sameItems(kept.cas, caCerts)) return kept.ca;
  const ca = matchingCa(file.keys, caCerts);
  matches.set(file, { cas: caCerts, ca });
  return ca;
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

/** Every mod_ssl file the config names, server side and proxy side (first ref per path). */
function namedFileRefs(ctx: RuleContext): FileRef[] {
  const unique = new Map<string, FileRef>();
  for (const vhost of ctx.topology.servers) {
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
