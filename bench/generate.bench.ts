/**
 * Benchmark: the seed's whole PKI (CA, Apache server cert+key, proxy-client bundle, backend
 * cert+key, client cert+key+PKCS#12), generated and written by httpd-mtls, beside the same
 * work done with the openssl CLI steps of the tutorial (req, x509 -req with extensions,
 * pkey -traditional, pkcs12 -export), both in this process run. Median of N runs.
 * Targets (issue 4): P-256 under 200 ms; RSA-2048 no slower than the openssl workflow.
 * Run: node --import tsx bench/generate.bench.ts [runs]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSeedPki } from '../server/src/pki/generate';
import { writePlannedFiles } from '../server/src/write-files';

type BenchKey = 'ec-p256' | 'rsa-2048';
const RUNS = Number(process.argv[2] ?? 9);
const NAMES = {
  apacheServerNames: ['apache.server.name'],
  backendHost: 'gunicorn.app.server',
  clientName: 'client.full.domain.name',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function ours(keyType: BenchKey, folder: string): Promise<void> {
  const files = await generateSeedPki(folder, NAMES, {
    keyType,
    days: 365,
    pkcs12Password: 'bench-password',
  });
  writePlannedFiles(files);
}

const EXTENSIONS = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE, pathlen:1
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
`;

/** The tutorial's steps with the openssl CLI, one process per step as a person runs them. */
function opensslWorkflow(keyType: BenchKey, folder: string): void {
  const ssl = (args: string[], env: Record<string, string> = { SAN: 'DNS:unused' }) =>
    execFileSync('openssl', args, { cwd: folder, env: { ...process.env, ...env }, stdio: 'pipe' });
  const newKey =
    keyType === 'rsa-2048'
      ? ['-newkey', 'rsa:2048']
      : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  writeFileSync(join(folder, 'ext.cnf'), EXTENSIONS);

  ssl([
    'req',
    '-x509',
    ...newKey,
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '3650',
    '-subj',
    '/CN=bench CA',
    '-config',
    'ext.cnf',
    '-extensions',
    'ca',
  ]);
  const leaves: [string, string, string][] = [
    ['server', 'server', 'DNS:apache.server.name'],
    ['proxy', 'client', 'DNS:apache.server.name'],
    ['backend', 'server', 'DNS:gunicorn.app.server'],
    ['client', 'client', 'DNS:client.full.domain.name'],
  ];
  for (const [name, section, san] of leaves) {
    ssl(
      [
        'req',
        '-new',
        ...newKey,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${san.slice(4)}`,
        '-config',
        'ext.cnf',
      ],
      { SAN: san },
    );
    ssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '365',
        '-extfile',
        'ext.cnf',
        '-extensions',
        section,
        '-out',
        `${name}.crt`,
      ],
      { SAN: san },
    );
  }
  const traditional = ssl(['pkey', '-in', 'proxy.key', '-traditional']);
  writeFileSync(
    join(folder, 'proxy-bundle.pem'),
    Buffer.concat([readFileSync(join(folder, 'proxy.crt')), traditional]),
    { mode: 0o600 },
  );
  ssl([
    'pkcs12',
    '-export',
    '-in',
    'client.crt',
    '-inkey',
    'client.key',
    '-certfile',
    'ca.crt',
    '-out',
    'client.p12',
    '-passout',
    'pass:bench-password',
  ]);
}

async function timeOnce(work: (folder: string) => Promise<void> | void): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'httpd-mtls-bench-'));
  const start = performance.now();
  await work(join(folder, 'out'));
  const elapsed = performance.now() - start;
  rmSync(folder, { recursive: true, force: true });
  return elapsed;
}

/** Alternates the two workflows run by run, so load from other processes hits both alike. */
async function timePair(keyType: BenchKey): Promise<{ ours: number[]; cli: number[] }> {
  const samples = { ours: [] as number[], cli: [] as number[] };
  const runCli = (folder: string) => {
    mkdirSync(folder);
    opensslWorkflow(keyType, folder);
  };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      samples.ours.push(await timeOnce((folder) => ours(keyType, folder)));
      samples.cli.push(await timeOnce(runCli));
    } else {
      samples.cli.push(await timeOnce(runCli));
      samples.ours.push(await timeOnce((folder) => ours(keyType, folder)));
    }
  }
  return samples;
}

async function main(): Promise<void> {
  // One untimed run each warms the JIT and the module caches.
  const warm = mkdtempSync(join(tmpdir(), 'httpd-mtls-bench-'));
  await ours('ec-p256', join(warm, 'w'));
  rmSync(warm, { recursive: true, force: true });

  const rows: string[] = [];
  for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
    const samples = await timePair(keyType);
    const ourMs = median(samples.ours);
    const cliMs = median(samples.cli);
    rows.push(
      `| ${keyType.padEnd(8)} | ${ourMs.toFixed(0).padStart(10)} | ` +
        `${cliMs.toFixed(0).padStart(11)} | ${(cliMs / ourMs).toFixed(2).padStart(12)} |`,
    );
  }
  console.log(`seed PKI (10 files), median of ${RUNS} runs, ms`);
  console.log('| key      | httpd-mtls | openssl CLI | openssl/ours |');
  console.log('|----------|------------|-------------|--------------|');
  for (const row of rows) console.log(row);
}

void main();
