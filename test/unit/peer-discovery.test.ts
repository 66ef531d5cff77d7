/**
 * Without declared peers, certificates in the workspace stand in for them: a backend by the SAN
 * naming its host, clients by their clientAuth EKU; Apache's own files never count.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { checkConfig } from '../../server/src/engine';
import { loadConfig } from '../../server/src/config/loader';
import { buildTopology } from '../../server/src/model/build';
import { discoverPeers } from '../../server/src/model/peer-discovery';
import { createPkiStore } from '../../server/src/pki/store';

const seed = resolve(__dirname, '../../examples/seed');
const work = mkdtempSync(join(tmpdir(), 'httpd-mtls-discovery-'));
after(() => rmSync(work, { recursive: true, force: true }));
cpSync(seed, work, { recursive: true });
const conf = join(work, 'conf.d/reverseProxy.conf');
const options = { serverRoot: '/etc/httpd', pathMappings: [{ from: '/etc/httpd', to: work }] };

test('discovery finds the seed client and the gunicorn backend, not Apache own files', () => {
  const config = loadConfig(conf, options);
  const topology = buildTopology(config, { apacheVersion: '2.4.71' });
  const peers = discoverPeers(work, topology, createPkiStore());
  assert.deepEqual(
    peers.clients.map((c) => c.certificate.slice(work.length + 1)),
    ['client/certs/aClientCert.pem'],
  );
  assert.deepEqual(
    peers.backends.map((b) => [b.url, b.certificate?.slice(work.length + 1)]),
    [['https://gunicorn.app.server:6662/', 'flaskApp/certs/gunicornCert.pem']],
  );
});

test('a discovered backend certificate drives the peer-name check (ProxyPreserveHost On)', () => {
  const text = readFileSync(conf, 'utf8').replace(/^\s*SSLProxyCheckPeerName Off\s*$/m, '');
  const variant = join(work, 'conf.d/preserve-host.conf');
  writeFileSync(variant, text);
  const withDiscovery = checkConfig(variant, { ...options, discoverPeersIn: work });
  const rules = withDiscovery.findings.map((f) => f.rule);
  assert.ok(rules.includes('proxy-peer-name'), rules.join(','));
  const without = checkConfig(variant, options);
  assert.ok(!without.findings.some((f) => f.rule === 'proxy-peer-name'));
});

test('a discovered client from another CA is not reported against this vhost', () => {
  const foreign = resolve(__dirname, '../fixtures/pki/other.crt');
  cpSync(foreign, join(work, 'client/certs/foreign-client.pem'));
  const result = checkConfig(conf, { ...options, discoverPeersIn: work });
  const errors = result.findings.filter((f) => f.rule !== 'proxy-peer-unchecked');
  assert.deepEqual(
    errors.map((f) => f.rule),
    [],
  );
});
