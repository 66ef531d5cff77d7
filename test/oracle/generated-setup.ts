/**
 * One generated oracle scenario as files: a config variant of the tutorial's reverse proxy,
 * the PEM files it names (cut from the shared PKI of test/fixtures/oracle/make-pki.sh) and a
 * `.httpd-mtls.json` naming the live client and backend, written into a scenario folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioFiles } from './scenario-files';

/** Reads a file of the shared PKI folder by name (e.g. `root.crt`). */
export type PkiReader = (name: string) => Buffer;

/** Contents of one file the config names, built from PKI files. */
export type FileMaker = (pki: PkiReader) => Buffer;

/** The PKI files concatenated in order, each ending in a newline. */
export function cat(...names: string[]): FileMaker {
  return (pki) => Buffer.concat(names.map((name) => pki(name)));
}

/** How the config names its files: absolute paths, ServerRoot-relative, or via Define. */
export type PathStyle =
  'absolute' | 'server-root' | 'wrong-server-root' | 'define' | 'undefined-variable';

export interface Setup {
  serverCert: FileMaker;
  /** null: no SSLCertificateKeyFile. */
  serverKey: FileMaker | null;
  /** null: no SSLCACertificateFile. */
  clientCa: FileMaker | null;
  verifyDepth: number;
  proxyEngine: boolean;
  proxyVerify: 'require' | 'none';
  proxyDepth: number;
  /** null: no SSLProxyCACertificateFile. */
  proxyCa: FileMaker | null;
  checkPeerName: 'On' | 'Off' | null;
  checkPeerCn: 'On' | 'Off' | null;
  /** null: no SSLProxyMachineCertificateFile. */
  machineBundle: FileMaker | null;
  preserveHost: boolean;
  /** Host part of the ProxyPass URL (resolved to 127.0.0.1 for httpd). */
  backendHost: string;
  /** The proxy settings sit in a file pulled in by Include; `missing` names a absent one. */
  include: 'none' | 'present' | 'missing';
  paths: PathStyle;
  /** What curl presents (certificate file with its chain, key). */
  client: { certificate: FileMaker; key: FileMaker };
  /** What gunicorn serves (certificate file with its chain, key); it trusts root.crt. */
  backend: { certificate: FileMaker; key: FileMaker };
}

export const BASE_SETUP: Setup = {
  serverCert: cat('server.crt'),
  serverKey: cat('server.key'),
  clientCa: cat('root.crt'),
  verifyDepth: 5,
  proxyEngine: true,
  proxyVerify: 'require',
  proxyDepth: 5,
  proxyCa: cat('root.crt'),
  checkPeerName: null,
  checkPeerCn: null,
  machineBundle: cat('proxy.crt', 'proxy.key'),
  preserveHost: false,
  backendHost: 'gunicorn.app.server',
  include: 'none',
  paths: 'absolute',
  client: { certificate: cat('client-root.crt'), key: cat('client-root.key') },
  backend: { certificate: cat('backend.crt'), key: cat('backend.key') },
};

const BACKEND_PORT = 6662;

function writeFile(file: string, contents: Buffer | string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, contents, { mode });
}

/**
 * Writes the scenario into `dir` (which must be empty) and returns what the harness needs.
 * Key files are written 0600.
 */
export function writeScenario(
  dir: string,
  setup: Setup,
  pkiDir: string,
  appDir: string,
): ScenarioFiles {
  const pki: PkiReader = (name) => fs.readFileSync(path.join(pkiDir, name));
  const certs = path.join(dir, 'certs');
  const keyMode = 0o600;
  const made = (name: string, maker: FileMaker | null, mode = 0o644): string | null => {
    if (maker === null) return null;
    writeFile(path.join(certs, name), maker(pki), mode);
    return name;
  };
  const files = {
    serverCert: made('server-cert.pem', setup.serverCert),
    serverKey: made('server-key.pem', setup.serverKey, keyMode),
    clientCa: made('client-ca.crt', setup.clientCa),
    proxyCa: made('proxy-ca.crt', setup.proxyCa),
    bundle: made('proxy-client.pem', setup.machineBundle, keyMode),
  };
  const live = {
    clientCert: made('live-client.crt', setup.client.certificate) as string,
    clientKey: made('live-client.key', setup.client.key, keyMode) as string,
    backendCert: made('live-backend.crt', setup.backend.certificate) as string,
    backendKey: made('live-backend.key', setup.backend.key, keyMode) as string,
    rootCa: made('live-root.crt', cat('root.crt')) as string,
  };

  const ref = (name: string | null): string | null => {
    if (name === null) return null;
    switch (setup.paths) {
      case 'absolute':
        return path.join(certs, name);
      case 'server-root':
      case 'wrong-server-root':
        return `certs/${name}`;
      case 'define':
        return `\${CERTS}/${name}`;
      case 'undefined-variable':
        return `\${CERT_FOLDER}/${name}`;
    }
  };
  const line = (directive: string, value: string | null): string[] =>
    value === null ? [] : [`    ${directive} ${value}`];

  const proxyLines = [
    ...line('SSLProxyEngine', setup.proxyEngine ? 'On' : null),
    `    SSLProxyVerify ${setup.proxyVerify}`,
    `    SSLProxyVerifyDepth ${setup.proxyDepth}`,
    ...line('SSLProxyCheckPeerName', setup.checkPeerName),
    ...line('SSLProxyCheckPeerCN', setup.checkPeerCn),
    ...line('SSLProxyCACertificateFile', ref(files.proxyCa)),
    ...line('SSLProxyMachineCertificateFile', ref(files.bundle)),
  ];
  const includeFile = path.join(dir, 'conf.d', 'proxy-tls.inc');
  if (setup.include === 'present') writeFile(includeFile, `${proxyLines.join('\n')}\n`);

  const head: string[] = [];
  if (setup.paths === 'server-root') head.push(`ServerRoot "${dir}"`);
  if (setup.paths === 'wrong-server-root') head.push(`ServerRoot "${path.join(dir, 'conf.d')}"`);
  if (setup.paths === 'define') head.push(`Define CERTS "${certs}"`);
  const config = [
    ...head,
    'Listen 7771',
    '<VirtualHost *:7771>',
    '    ServerName apache.server.name',
    '    SSLEngine On',
    ...line('SSLCACertificateFile', ref(files.clientCa)),
    ...line('SSLCertificateFile', ref(files.serverCert)),
    ...line('SSLCertificateKeyFile', ref(files.serverKey)),
    '    SSLVerifyClient require',
    `    SSLVerifyDepth ${setup.verifyDepth}`,
    ...(setup.include === 'none' ? proxyLines : [`    Include "${includeFile}"`]),
    '    <Location "/">',
    `        ProxyPreserveHost ${setup.preserveHost ? 'On' : 'Off'}`,
    `        ProxyPass "https://${setup.backendHost}:${BACKEND_PORT}/"`,
    '    </Location>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const configFile = path.join(dir, 'conf.d', 'reverseProxy.conf');
  writeFile(configFile, config);

  const backendUrl = `https://${setup.backendHost}:${BACKEND_PORT}/`;
  const manifest = {
    serverRoot: dir,
    clients: [{ certificate: `certs/${live.clientCert}`, key: `certs/${live.clientKey}` }],
    backends: [
      {
        url: backendUrl,
        certificate: `certs/${live.backendCert}`,
        caCertificates: `certs/${live.rootCa}`,
        requireClientCertificate: true,
      },
    ],
  };
  const manifestFile = path.join(dir, '.httpd-mtls.json');
  writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  return {
    config: configFile,
    manifest: manifestFile,
    mappings: [],
    backend: {
      url: new URL(backendUrl),
      certificate: path.join(certs, live.backendCert),
      key: path.join(certs, live.backendKey),
      caCertificates: path.join(certs, live.rootCa),
      appDir,
    },
    client: {
      certificate: path.join(certs, live.clientCert),
      key: path.join(certs, live.clientKey),
      caCertificates: path.join(certs, live.rootCa),
    },
  };
}
