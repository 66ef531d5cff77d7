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
import { RecordedReads } from '../pki/recorded-reads';
import { EKU_CLIENT_AUTH, type PkiStore, type StoreChanges } from '../pki/types';
import type { FileRef, KnownPeers, Topology, VirtualHostModel } from './types';
import { ServerSignatures } from './server-signatures';

const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.cert']);
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);
export const DISCOVERY_LIMITS = { files: 400, depth: 6 };

/**
 * The last discovery of one config, kept by the language server: reused while the workspace
 * folders read, the paths and backends the config names, and the certificates read are the
 * same (a re-check after a site file edit then walks nothing).
 */
export class DiscoveryMemo {
  root = '';
  readonly servers = new ServerSignatures(signatureOf);
  walk: { directory: string; entries: Dirent[] | Error }[] = [];
  files: string[] = [];
  reads: RecordedReads | null = null;
  peers: KnownPeers = { clients: [], backends: [] };

  constructor(readonly changes?: StoreChanges) {}
}

export function discoverPeers(
  root: string,
  topology: Topology,
  pki: PkiStore,
  directories: DirectoryReader = DISK_DIRECTORIES,
  memo?: DiscoveryMemo,
): KnownPeers {
  if (memo === undefined) return discover(certificateFiles(root, directories, []), topology, pki);
  const sameNames = memo.servers.same(topology.servers);
  const walkSame = memo.walk.every((step) => directories.read(step.directory) === step.entries);
  if (memo.root === root && walkSame) {
    if (sameNames && memo.reads?.stillSame(pki)) return memo.peers;
  } else {
    memo.root = root;
    memo.walk = [];
    memo.files = certificateFiles(root, directories, memo.walk);
  }
  const reads = new RecordedReads(memo.changes);
  memo.peers = discover(memo.files, topology, reads.recording(pki));
  memo.reads = reads;
  return memo.peers;
}

/** What discovery reads of one server: the files it names and its TLS backends (per model). */
const signatures = new WeakMap<VirtualHostModel, string>();

function signatureOf(vhost: VirtualHostModel): string {
  let signature = signatures.get(vhost);
  if (signature === undefined) {
    const own = configuredFiles([vhost]).map((ref) => ref.localPath);
    const routes = vhost.routes.filter((r) => r.tls).map((r) => `${r.host}:${r.port} ${r.url}`);
    signature = [...own, '', ...routes].join('\u0000');
    signatures.set(vhost, signature);
  }
  return signature;
}

function discover(files: string[], topology: Topology, pki: PkiStore): KnownPeers {
  const own = new Set(configuredFiles(topology.servers).map((ref) => ref.localPath));
  const hosts = new Map<string, string>();
  for (const vhost of topology.servers) {
    for (const route of vhost.routes) {
      if (route.tls && !hosts.has(`${route.host}:${route.port}`)) {
        hosts.set(`${route.host}:${route.port}`, route.url);
      }
    }
  }

  const peers: KnownPeers = { clients: [], backends: [] };
  for (const file of files) {
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

function configuredFiles(servers: VirtualHostModel[]): FileRef[] {
  const refs: (FileRef | null)[] = [];
  const add = (vhost: VirtualHostModel) => {
    const tls = vhost.tls;
    refs.push(...tls.certificateFiles, ...tls.keyFiles, tls.chainFile, tls.caCertificateFile);
    for (const route of vhost.routes) {
      const p = route.proxyTls;
      refs.push(p.machineCertificateFile, p.machineCertificateChainFile, p.caCertificateFile);
    }
  };
  servers.forEach(add);
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

/** ...; `walk` receives each directory read with what it answered. */
function certificateFiles(
  root: string,
  directories: DirectoryReader,
  walk: { directory: string; entries: Dirent[] | Error }[],
): string[] {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= DISCOVERY_LIMITS.depth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = directories.read(dir);
      walk.push({ directory: dir, entries });
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
