/**
 * `httpdMtls.server.verifyChain` over stdio against the built server: the seed's vhost at the
 * cursor gives a page with a nonce CSP and its three passing hops; a cursor outside every
 * <VirtualHost> shows all TLS vhosts; a broken example has a failing hop; `live: true` probes
 * (only loopback here) and puts a live result on every hop.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, TestClient, uriOf } from './lsp-client';

const LIMIT = { timeout: 60_000 };
const CONF = path.join('conf.d', 'reverseProxy.conf');
const examples = path.join(REPO, 'examples');
const seedConf = path.join(examples, 'seed', CONF);

interface Answer {
  html: string | null;
  scope: 'cursor' | 'all';
  message?: string;
  reports: {
    vhost: string;
    hops: { kind: string; status: string; live?: { status: string; endpoint: string } }[];
  }[];
}

let client: TestClient;
let scratch = '';

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-lsp-verify-'));
  client = new TestClient({ workspaceFolder: examples });
  await client.initialize();
});

after(async () => {
  await client.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function verify(argument: unknown, by = client): Promise<Answer> {
  return by.connection.sendRequest<Answer>('workspace/executeCommand', {
    command: 'httpdMtls.server.verifyChain',
    arguments: [argument],
  });
}

function lineOf(text: string, pattern: RegExp): number {
  const line = text.split('\n').findIndex((l) => pattern.test(l));
  assert.ok(line >= 0, `no line matches ${pattern}`);
  return line;
}

test('the seed vhost at the cursor: CSP with a nonce and three passing hops', LIMIT, async () => {
  const text = readFileSync(seedConf, 'utf8');
  await client.open(seedConf, text);
  const answer = await verify({ uri: uriOf(seedConf), line: lineOf(text, /SSLVerifyClient/) });

  assert.equal(answer.scope, 'cursor');
  assert.equal(answer.message, undefined);
  const html = answer.html ?? '';
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(csp, 'a CSP meta tag');
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp[1]!)?.[1];
  assert.ok(nonce && nonce.length >= 8, 'a script nonce in the CSP');
  assert.match(csp[1]!, /default-src 'none'/);
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.match(html, /data-command="live"/);

  assert.deepEqual(
    answer.reports.map((r) => r.vhost),
    ['apache.server.name:7771'],
  );
  const hops = answer.reports[0]!.hops;
  assert.deepEqual(
    hops.map((h) => [h.kind, h.status]),
    [
      ['client-to-apache', 'pass'],
      ['apache-identity', 'pass'],
      ['apache-to-backend', 'pass'],
    ],
  );
  for (const kind of ['client-to-apache', 'apache-identity', 'apache-to-backend']) {
    assert.ok(html.includes(`data-kind="${kind}"`), `hop ${kind} on the page`);
  }
  assert.ok(
    hops.every((h) => h.live === undefined),
    'no live probe unless asked',
  );
});

test('a cursor outside every <VirtualHost> shows all TLS vhosts', LIMIT, async () => {
  const text = readFileSync(seedConf, 'utf8');
  const answer = await verify({ uri: uriOf(seedConf), line: lineOf(text, /^Listen/) });
  assert.equal(answer.scope, 'all');
  assert.ok(answer.message);
  assert.deepEqual(
    answer.reports.map((r) => r.vhost),
    ['apache.server.name:7771'],
  );
  assert.match(answer.html ?? '', /data-kind="apache-to-backend"/);

  // The palette may send only the URI: every TLS vhost too.
  const byUri = await verify(uriOf(seedConf));
  assert.equal(byUri.scope, 'all');
  assert.equal(byUri.reports.length, 1);
});

test('wrong-key: the identity hop fails and the page marks it', LIMIT, async () => {
  const conf = path.join(examples, 'broken', 'wrong-key', CONF);
  const text = readFileSync(conf, 'utf8');
  await client.open(conf, text);
  const answer = await verify({ uri: uriOf(conf), line: lineOf(text, /<VirtualHost/) });
  const hops = answer.reports[0]?.hops ?? [];
  assert.equal(hops.find((h) => h.kind === 'apache-identity')?.status, 'fail');
  assert.equal(hops.find((h) => h.kind === 'client-to-apache')?.status, 'pass');
  assert.match(answer.html ?? '', /class="hop fail" data-kind="apache-identity"/);
});

test('no document named: a message, no page', LIMIT, async () => {
  const answer = await verify(undefined);
  assert.equal(answer.html, null);
  assert.ok(answer.message);
});

/** A loopback port with nothing listening (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('live: true probes the vhost and the backend and reports each hop', LIMIT, async () => {
  const root = path.join(scratch, 'seed');
  cpSync(path.join(examples, 'seed'), root, { recursive: true });
  const [vhostPort, backendPort] = [await closedPort(), await closedPort()];
  const conf = path.join(root, CONF);
  const text = readFileSync(conf, 'utf8')
    .replaceAll('7771', String(vhostPort))
    .replace('ServerName apache.server.name', 'ServerName localhost')
    .replace('https://gunicorn.app.server:6662/', `https://127.0.0.1:${backendPort}/`);
  writeFileSync(conf, text);
  // Its own workspace, so the copy's project file (path mappings, known client) applies.
  const own = new TestClient({ workspaceFolder: root });
  await own.initialize();
  await own.open(conf, text);
  const argument = { uri: uriOf(conf), line: lineOf(text, /<VirtualHost/), live: true };
  const answer = await verify(argument, own).finally(() => own.stop());
  const hops = answer.reports[0]?.hops ?? [];
  assert.equal(hops.length, 3);
  for (const hop of hops) {
    assert.ok(hop.live, `${hop.kind} has a live result`);
    assert.equal(hop.live.status, 'fail', `${hop.kind}: nothing listens there`);
  }
  const endpoints = hops.map((h) => h.live?.endpoint);
  assert.deepEqual(endpoints, [
    `localhost:${vhostPort}`,
    `localhost:${vhostPort}`,
    `127.0.0.1:${backendPort}`,
  ]);
  assert.match(answer.html ?? '', /class="live /);
});
