/**
 * Synthetic Debian-layout Apache trees for the benchmark: N name-based TLS vhosts on one
 * loopback port, each with its own server certificate and key, mutual TLS against one shared
 * CA, its own proxy-client bundle (SSLProxyMachineCertificateFile) and an https backend
 * route. EC P-256 keys, issued in-process with the product's own generator. A tree is built
 * once and kept under bench/cache/vhosts-N/ (gitignored); a `.complete` marker says it is whole.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRootCa, issueCertificate } from '../server/src/pki/generate';
import type { IssuedCredential, IssuingCa } from '../server/src/pki/generate';
import { encodePem } from '../server/src/pki/generate/pem-encoding';
import { exportTraditionalPem } from '../server/src/pki/generate/key-pair';

export const CACHE_DIR = join(__dirname, 'cache');
/** Port only written into Listen; `apache2 -t` never binds it. */
const LISTEN = '127.0.0.1:18443';
const MODULES = ['socache_shmcb', 'ssl', 'proxy', 'proxy_http'];
/** What Debian's /etc/apache2/envvars exports, with the writable folders inside the tree. */
export function debianEnv(tree: string): Record<string, string> {
  return {
    APACHE_RUN_USER: 'www-data',
    APACHE_RUN_GROUP: 'www-data',
    APACHE_PID_FILE: join(tree, 'run', 'apache2.pid'),
    APACHE_RUN_DIR: join(tree, 'run'),
    APACHE_LOCK_DIR: join(tree, 'lock'),
    APACHE_LOG_DIR: join(tree, 'log'),
    LANG: 'C',
  };
}

export interface BenchTree {
  root: string;
  /** The main config, `<root>/apache2.conf`. */
  config: string;
  ca: string;
  /** Site config of vhost `index` (0-based). */
  site(index: number): string;
}

const pad = (index: number): string => String(index).padStart(4, '0');
const vhostName = (index: number): string => `vhost${pad(index)}.bench.test`;

export function treeOf(size: number): BenchTree {
  const root = join(CACHE_DIR, `vhosts-${size}`);
  return {
    root,
    config: join(root, 'apache2.conf'),
    ca: join(root, 'ssl', 'ca.crt'),
    site: (index) => join(root, 'sites-enabled', `${pad(index)}-vhost.conf`),
  };
}

/**
 * Text of vhost `index`'s site file. Even revisions are the clean file (revision 0 is what the
 * tree holds); odd ones comment out SSLProxyEngine on an extra line, the tutorial's mistake,
 * so an edit changes the vhost's model, shifts the lines below and adds an error
 * (proxy-engine-missing) that the next edit removes again.
 */
export function siteText(index: number, revision = 0): string {
  const dir = `ssl/vhost${pad(index)}`;
  const proxyEngine =
    revision % 2 === 0
      ? 'SSLProxyEngine on'
      : '# removed in this revision:\n    # SSLProxyEngine on';
  return `# vhost ${index} (revision ${revision})
<VirtualHost ${LISTEN}>
    ServerName ${vhostName(index)}
    SSLEngine on
    SSLCertificateFile ${dir}/server.crt
    SSLCertificateKeyFile ${dir}/server.key
    SSLCACertificateFile ssl/ca.crt
    SSLVerifyClient require
    SSLVerifyDepth 2

    ${proxyEngine}
    SSLProxyVerify require
    SSLProxyVerifyDepth 2
    SSLProxyCACertificateFile ssl/ca.crt
    SSLProxyMachineCertificateFile ${dir}/proxy-client.pem
    ProxyPass "/" "https://backend${pad(index)}.bench.test:8443/"
    ProxyPassReverse "/" "https://backend${pad(index)}.bench.test:8443/"
</VirtualHost>
`;
}

function mainConfig(root: string): string {
  return `# Benchmark tree in the Debian layout (see bench/tree.ts)
ServerRoot "${root}"
ServerName localhost
DefaultRuntimeDir \${APACHE_RUN_DIR}
PidFile \${APACHE_PID_FILE}
Mutex file:\${APACHE_LOCK_DIR} default
User \${APACHE_RUN_USER}
Group \${APACHE_RUN_GROUP}
ErrorLog \${APACHE_LOG_DIR}/error.log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
IncludeOptional mods-enabled/*.load
Include ports.conf
IncludeOptional sites-enabled/*.conf
`;
}

function write(file: string, text: string, mode = 0o644): void {
  writeFileSync(file, text, { mode });
}

async function keyPem(credential: IssuedCredential): Promise<string> {
  return exportTraditionalPem(credential.privateKey);
}

async function writeVhost(tree: BenchTree, index: number, ca: IssuingCa): Promise<void> {
  const dir = join(tree.root, 'ssl', `vhost${pad(index)}`);
  mkdirSync(dir, { recursive: true });
  const name = vhostName(index);
  const server = await issueCertificate(
    {
      profile: 'server',
      keyType: 'ec-p256',
      subject: { commonName: name },
      altNames: [name],
      days: 825,
    },
    ca,
  );
  const proxy = await issueCertificate(
    {
      profile: 'proxy-client',
      keyType: 'ec-p256',
      subject: { commonName: `proxy.${name}` },
      altNames: [`proxy.${name}`],
      days: 825,
    },
    ca,
  );
  write(join(dir, 'server.crt'), encodePem('CERTIFICATE', server.certificateDer));
  write(join(dir, 'server.key'), await keyPem(server), 0o600);
  const bundle = encodePem('CERTIFICATE', proxy.certificateDer) + (await keyPem(proxy));
  write(join(dir, 'proxy-client.pem'), bundle, 0o600);
  write(tree.site(index), siteText(index));
}

/** Builds the tree of `size` vhosts unless a complete one is cached; returns it. */
export async function ensureTree(size: number): Promise<BenchTree> {
  const tree = treeOf(size);
  const marker = join(tree.root, '.complete');
  if (existsSync(marker)) return tree;
  rmSync(tree.root, { recursive: true, force: true });
  for (const sub of ['ssl', 'sites-enabled', 'mods-enabled', 'run', 'lock', 'log']) {
    mkdirSync(join(tree.root, sub), { recursive: true });
  }
  const caCredential = await generateRootCa({
    keyType: 'ec-p256',
    days: 3650,
    subject: { commonName: 'bench CA' },
  });
  const ca: IssuingCa = {
    certificateDer: caCredential.certificateDer,
    privateKey: caCredential.privateKey,
    keyType: 'ec-p256',
    issuerChainDer: [],
  };
  write(tree.ca, encodePem('CERTIFICATE', ca.certificateDer));

  write(tree.config, mainConfig(tree.root));
  write(join(tree.root, 'ports.conf'), `Listen ${LISTEN} https\n`);
  for (const module of MODULES) {
    const line = `LoadModule ${module}_module /usr/lib/apache2/modules/mod_${module}.so\n`;
    write(join(tree.root, 'mods-enabled', `${module}.load`), line);
  }
  // The checker reads no process environment; Debian's envvars become Defines for it.
  const project = { defines: debianEnv(tree.root) };
  write(join(tree.root, '.httpd-mtls.json'), `${JSON.stringify(project, null, 2)}\n`);

  const batch = 16;
  for (let start = 0; start < size; start += batch) {
    const jobs = [];
    for (let index = start; index < Math.min(size, start + batch); index++) {
      jobs.push(writeVhost(tree, index, ca));
    }
    await Promise.all(jobs);
  }
  write(marker, `${new Date().toISOString()}\n`);
  return tree;
}
