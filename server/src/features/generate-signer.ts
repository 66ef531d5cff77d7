/**
 * Which CA signs generated certificates: the CA a vhost already trusts when its private key
 * is somewhere in the workspace, else the only CA in the workspace that has its key, else
 * none (the caller makes a new CA). Reads files through the PKI store; writes nothing and
 * never keeps or reports key material, only paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VirtualHostModel } from '../model/types';
import { keyMatchesCertificate } from '../pki/keys';
import type { PkiStore } from '../pki/types';
import type { CaPaths } from '../pki/generate';

/** Bounds of the workspace walk, so a huge folder cannot stall a quick fix. */
const MAX_DEPTH = 6;
const MAX_FILES = 4000;
const PEM_FILE = /\.(pem|crt|cer|key)$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'out']);

/** A CA certificate (first certificate of its file) and a key file matching it. */
export interface WorkspaceCa extends CaPaths {
  /** SHA-256 of the CA certificate, hex as the PKI store gives it. */
  sha256: string;
}

/** PEM-looking files under `root`, breadth first, dot folders and build output skipped. */
export function pemFilesUnder(root: string): string[] {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) next.push(full);
        } else if (entry.isFile() && PEM_FILE.test(entry.name)) {
          found.push(full);
          if (found.length >= MAX_FILES) return found;
        }
      }
    }
    level = next;
  }
  return found;
}

/** Every CA certificate under `root` whose private key (unencrypted) is also under `root`. */
export function findWorkspaceCas(root: string, store: PkiStore): WorkspaceCa[] {
  const loaded = pemFilesUnder(root).map((file) => store.load(file));
  const keys = loaded.flatMap((file) =>
    file.keys
      .filter((key) => !key.value.encrypted && key.value.publicKey !== null)
      .map((key) => ({ file: file.path, key: key.value })),
  );
  const cas: WorkspaceCa[] = [];
  for (const file of loaded) {
    const first = file.certificates[0]?.value;
    if (first === undefined || !first.isCA) continue;
    const key = keys.find((candidate) => keyMatchesCertificate(candidate.key, first));
    if (key !== undefined)
      cas.push({ certificate: file.path, key: key.file, sha256: first.sha256 });
  }
  return cas;
}

/** SHA-256 of the CA certificates the vhosts' existing CA files hold. */
export function trustedCaHashes(vhosts: VirtualHostModel[], store: PkiStore): Set<string> {
  const hashes = new Set<string>();
  for (const vhost of vhosts) {
    const refs = [
      vhost.tls.caCertificateFile,
      ...vhost.routes.map((route) => route.proxyTls.caCertificateFile),
    ];
    for (const ref of refs) {
      if (ref === null) continue;
      for (const cert of store.load(ref.localPath).certificates) hashes.add(cert.value.sha256);
    }
  }
  return hashes;
}

/**
 * The CA to sign with: one the vhosts trust, else the workspace's only CA with a key;
 * null when there is none (or several and none trusted: we do not guess).
 */
export function chooseSigningCa(cas: WorkspaceCa[], trusted: Set<string>): WorkspaceCa | null {
  const trustedCa = cas.find((ca) => trusted.has(ca.sha256));
  if (trustedCa !== undefined) return trustedCa;
  if (new Set(cas.map((ca) => ca.sha256)).size !== 1) return null;
  // Of the copies of that one CA, name the one kept beside its key.
  return cas.find((ca) => path.dirname(ca.certificate) === path.dirname(ca.key)) ?? cas[0]!;
}
