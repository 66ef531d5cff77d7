import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { VerifyReport } from '../../server/src/features/verify-types';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist'), 'cli.js');
const EXAMPLES = path.join(REPO, 'examples');
const SEED = 'seed/conf.d/reverseProxy.conf';
const BACKEND_URL = 'https://gunicorn.app.server:6662/';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: EXAMPLES });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test('usage errors exit 2: no file, bad format, live-only flags, non-loopback', async () => {
  for (const args of [
    ['verify'],
    ['verify', '--format', 'sarif', SEED],
    ['verify', '--connect', '127.0.0.1:1', SEED],
    ['verify', '--live', '--connect', '10.0.0.1:443', SEED],
    ['verify', '--live', '--connect', 'example.com:443', SEED],
    ['verify', '--live', '--backend', `${BACKEND_URL}=192.168.1.1:6662`, SEED],
    ['verify', 'no-such-file.conf'],
    ['verify', '--at', '2025-02-30', SEED],
    ['verify', '--map', 'nomapping', SEED],
  ]) {
    const run = await cli(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.equal(run.out, '', args.join(' '));
    assert.match(run.err, /httpd-mtls verify: /);
  }
  const help = await cli(['verify', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--live/);
});

test('seed: exit 0, JSON with one report and three passing hops', async () => {
  const run = await cli(['verify', '--format', 'json', SEED]);
  assert.equal(run.code, 0, run.err);
  const parsed = JSON.parse(run.out) as { version: number; reports: VerifyReport[] };
  assert.equal(parsed.version, 1);
  assert.deepEqual(
    parsed.reports.map((r) => [r.vhost, r.hops.map((h) => h.status)]),
    [['apache.server.name:7771', ['pass', 'pass', 'pass']]],
  );
});

test('broken example: exit 1, the text names the failing hop and rule', async () => {
  const run = await cli(['verify', 'broken/no-proxy-engine/conf.d/reverseProxy.conf']);
  assert.equal(run.code, 1, run.err);
  assert.match(run.out, /\[FAIL\] apache\.server\.name:7771 -> gunicorn\.app\.server:6662/);
  assert.match(run.out, /\[proxy-engine-missing\] at broken\/no-proxy-engine\/conf\.d/);
});

test('--vhost with no match prints a sentence and exits 0; --format html is a page', async () => {
  const none = await cli(['verify', '--vhost', 'nobody.example', SEED]);
  assert.equal(none.code, 0);
  assert.equal(none.out, 'No TLS virtual host matches.\n');
  const html = await cli(['verify', '--format', 'html', SEED]);
  assert.equal(html.code, 0);
  assert.match(html.out, /^<!DOCTYPE html>/);
  assert.match(html.out, /Content-Security-Policy/);
});

test('--live to closed loopback ports: live fails and disagrees with the prediction', async () => {
  const apachePort = await closedPort();
  const backendPort = await closedPort();
  const run = await cli([
    'verify',
    '--live',
    '--format',
    'json',
    '--connect',
    `127.0.0.1:${apachePort}`,
    '--backend',
    `${BACKEND_URL}=127.0.0.1:${backendPort}`,
    SEED,
  ]);
  assert.equal(run.code, 1, run.err);
  const [report] = (JSON.parse(run.out) as { reports: VerifyReport[] }).reports;
  for (const hop of report!.hops) {
    assert.equal(hop.status, 'pass', hop.kind);
    assert.equal(hop.live?.status, 'fail', hop.kind);
    assert.equal(hop.live?.disagrees, true, hop.kind);
  }
  assert.equal(report!.hops[2]!.live?.endpoint, `127.0.0.1:${backendPort}`);
  const text = await cli([
    'verify',
    '--live',
    '--connect',
    `127.0.0.1:${apachePort}`,
    '--backend',
    `${BACKEND_URL}=127.0.0.1:${backendPort}`,
    SEED,
  ]);
  assert.match(text.out, /DISAGREES with the prediction/);
});

test('--at past the seed certificates: every hop fails', async () => {
  const run = await cli(['verify', '--format', 'json', '--at', '2127-01-01', SEED]);
  assert.equal(run.code, 1, run.err);
  const [client, identity, backend] = (JSON.parse(run.out) as { reports: VerifyReport[] })
    .reports[0]!.hops;
  assert.equal(client!.status, 'fail');
  assert.match(client!.checks.find((c) => c.status === 'fail')!.detail, /certificate has expired/);
  for (const hop of [identity!, backend!]) {
    assert.equal(hop.status, 'fail', hop.kind);
    assert.ok(
      hop.checks.some((c) => c.rule === 'cert-expired'),
      hop.kind,
    );
  }
});
