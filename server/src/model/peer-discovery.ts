/**
 * Known peers when no project file declares them (DESIGN section 3): certificates found in the
 * workspace whose SAN names a TLS backend host of the config, and leaf certificates whose EKU
 * is clientAuth. Files the config itself names (Apache's own certificates) are not peers.
 * The walk is bounded so a huge workspace costs a few milliseconds, not a scan of the disk.
 */
import type { Dirent } from 'node:fs';
import { DISK_DIRECTORIES } from '../config/include-files';
import type { DirectoryReader } from '../config/types';
import { extname, join } from 'node:path';
import { apacheNameMatches } from '../pki/host-match';
import { EKU_CLIENT_AUTH, type PkiStore } from '../pki/types';
import type { FileRef, KnownPeers, Topology, VirtualHostModel } from './types';

const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.cert']);
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);
export const DISCOVERY_LIMITS = { files: 400, depth: 6 };

export function discoverPeers(
  root: string,
  topology: Topology,
  pki: PkiStore,
  directories: DirectoryReader = DISK_DIRECTORIES,
): KnownPeers {
  const own = new Set(configuredFiles(topology).map((ref) => ref.localPath));
  const hosts = new Map<string, string>();
  for (const vhost of [topology.main, ...topology.vhosts]) {
    for (const route of vhost.routes) {
      if (route.tls && !hosts.has(`${route.host}:${route.port}`)) {
        hosts.set(`${route.host}:${route.port}`, route.url);
      }
    }
  }

  const peers: KnownPeers = { clients: [], backends: [] };
  for (const file of certificateFiles(root, directories)) {
    if (own.has(file)) continue;
    const leaf = pki.load(file).certificates[0]?.value;
    if (!leaf || leaf.isCA) continue;
    if (leaf.extKeyUsage?.includes(EKU_CLIENT_AUTH)) {
      peers.clients.push({ certificate: file, discovered: true });
    }
    for (const [hostPort, url] of hosts) {
      const host = hostPort.slice(0, hostPort.lastIndexOf(':'));
      if (apacheNameMatches(leaf, host))
        peers.backends.push({ url, certificate: file, discovered: true });
    }
  }
  return peers;
}

function configuredFiles(topology: Topology): FileRef[] {
  const refs: (FileRef | null)[] = [];
  const add = (vhost: VirtualHostModel) => {
    const tls = vhost.tls;
    refs.push(...tls.certificateFiles, ...tls.keyFiles, tls.chainFile, tls.caCertificateFile);
    for (const route of vhost.routes) {
      const p = route.proxyTls;
      refs.push(p.machineCertificateFile, p.machineCertificateChainFile, p.caCertificateFile);
    }
  };
  [topology.main, ...topology.vhosts].forEach(add);
  return refs.filter((r): r is FileRef => r !== null);
}

/** Certificate-looking files under root, breadth first, within DISCOVERY_LIMITS. */
const sorted = new WeakMap<Dirent[], Dirent[]>();

/** Entries in name order, kept per list (a cached reader hands back the same list). */
function sortedByName(entries: Dirent[]): Dirent[] {
  let kept = sorted.get(entries);
  if (kept === undefined) {
    kept = [...entries].sort((a, b) => (a.name < b.name ? -1 : 1));
    sorted.set(entries, kept);
  }
  return kept;
}

function certificateFiles(root: string, directories: DirectoryReader): string[] {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= DISCOVERY_LIMITS.depth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = directories.read(dir);
      if (entries instanceof Error) continue;
      for (const entry of sortedByName(entries)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) next.push(path);
        else if (entry.isFile() && CERT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
          found.push(path);
          if (found.length >= DISCOVERY_LIMITS.files) return found;
        }
      }
    }
    level = next;
  }
  return found;
}
