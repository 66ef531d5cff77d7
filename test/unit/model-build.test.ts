import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../server/src/config/loader';
import { buildTopology } from '../../server/src/model/build';

const dir = resolve(__dirname, '../fixtures/model');
const config = loadConfig(join(dir, 'topology.conf'), { serverRoot: dir });
const topology = buildTopology(config, { apacheVersion: '2.4.71' });
const [one, two, plain] = topology.vhosts;

test('model: three vhosts with their ports and names', () => {
  assert.equal(topology.vhosts.length, 3);
  assert.deepEqual([one.port, two.port, plain.port], [443, 8443, 8080]);
  assert.equal(one.serverName.value, 'one.example');
  assert.deepEqual(one.serverAliases, ['one-alias.example']);
  assert.equal(two.serverName.value, 'main.example', 'a vhost without ServerName inherits it');
});

test('model: SSLEngine, implicit SSL on an https listener, and optional on 2.4.64+', () => {
  assert.equal(one.tls.enabled.value, true);
  assert.equal(two.tls.enabled.value, true, 'Listen 8443 https + a certificate');
  assert.equal(two.tls.enabled.directive, null);
  assert.equal(plain.tls.enabled.value, false, "'SSLEngine optional' is gone in 2.4.64");
  const old = buildTopology(config, { apacheVersion: '2.4.63' });
  assert.equal(old.vhosts[2].tls.enabled.value, true);
});

test('model: certificate files merge index by index with the main server', () => {
  assert.deepEqual(
    one.tls.certificateFiles.map((f) => f.deployedPath),
    [join(dir, 'one.crt')],
  );
  assert.equal(plain.tls.certificateFiles[0]?.deployedPath, join(dir, 'global.crt'));
});

test('model: verify mode and atoi depth values', () => {
  assert.equal(one.tls.verifyClient.value, 'require', "'on' means require");
  assert.equal(one.tls.verifyDepth.value, 2, "'2x' reads as 2");
  assert.equal(two.tls.verifyDepth.value, 0, "'abc' reads as 0");
  assert.equal(plain.tls.verifyDepth.value, 1, 'default 1');
});

test('model: routes with scheme, host, port, TLS and preserve-host', () => {
  const summary = one.routes.map((r) => [r.url, r.host, r.port, r.tls, r.preserveHost.value]);
  assert.deepEqual(summary, [
    ['https://backend.test:9443/', 'backend.test', 9443, true, true],
    ['http://plain.test/', 'plain.test', 80, false, false],
    ['https://[::1]:8444/$1', '::1', 8444, true, false],
    ['https://global.test/', 'global.test', 443, true, false],
  ]);
});

test('model: backend TLS merges main server, vhost and the matching <Proxy>', () => {
  const backend = one.routes[0].proxyTls;
  assert.equal(backend.engine.value, true, 'inherited from the main server');
  assert.equal(backend.verify.value, 'require', 'from <Proxy>');
  assert.equal(backend.verifyDepth.value, 4, '<Proxy> overrides the main server');
  assert.equal(backend.checkPeerName.value, false);
  const rewrite = one.routes[2].proxyTls;
  assert.equal(rewrite.verify.value, 'none', 'the <Proxy> does not match [::1]');
  assert.equal(rewrite.verifyDepth.value, 3);
  assert.equal(two.routes[0].proxyTls.engine.value, false, 'the vhost turns it off');
  assert.equal(two.routes[0].proxyTls.checkPeerName.value, null, 'unset, not off');
});
