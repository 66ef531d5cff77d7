import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkConfig } from '../../server/src/engine';
import { verifyReport, type VerifyOptions } from '../../server/src/features/verify-report';
import { formatVerifyText } from '../../server/src/features/verify-text';
import type { HopKind, VerifyReport } from '../../server/src/features/verify-types';
import { readProjectFile } from '../../server/src/project-file';
import { mergeLayers } from '../../server/src/settings';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function reportsFor(example: string, extra: VerifyOptions = {}): VerifyReport[] {
  const dir = path.join(EXAMPLES, example);
  const project = readProjectFile(path.join(dir, '.httpd-mtls.json'));
  assert.deepEqual(project.problems, []);
  const options = mergeLayers(project.layer);
  const checked = checkConfig(path.join(dir, 'conf.d', 'reverseProxy.conf'), options);
  return verifyReport(checked, { ...options, ...extra });
}

test('seed: one vhost, three hops, every hop and every check passes', () => {
  const reports = reportsFor('seed');
  assert.equal(reports.length, 1);
  const [report] = reports;
  assert.equal(report!.vhost, 'apache.server.name:7771');
  assert.deepEqual(
    report!.hops.map((h) => [h.kind, h.status]),
    [
      ['client-to-apache', 'pass'],
      ['apache-identity', 'pass'],
      ['apache-to-backend', 'pass'],
    ],
  );
  const checks = report!.hops.flatMap((h) => h.checks);
  assert.deepEqual(
    checks.filter((c) => c.status !== 'pass'),
    [],
  );
  const backend = report!.hops[2]!;
  assert.equal(backend.url, 'https://gunicorn.app.server:6662/');
  assert.ok(backend.certificates.some((c) => c.role === 'Apache client certificate'));
  const accepts = backend.checks.find((c) => c.name.startsWith('backend accepts'));
  assert.equal(accepts?.status, 'pass');
});

/** example -> the one hop that must fail and the rule behind it. */
const BROKEN: [string, HopKind, string][] = [
  ['depth-too-small', 'client-to-apache', 'verify-depth'],
  ['wrong-key', 'apache-identity', 'key-mismatch'],
  ['glued-bundle', 'apache-to-backend', 'pem-glued'],
  ['encrypted-proxy-key', 'apache-to-backend', 'proxy-bundle-encrypted'],
  ['no-proxy-engine', 'apache-to-backend', 'proxy-engine-missing'],
  ['preserve-host', 'apache-to-backend', 'proxy-peer-name'],
  ['proxy-depth-too-small', 'apache-to-backend', 'proxy-verify-depth'],
  ['server-auth-only-client-cert', 'apache-to-backend', 'proxy-client-eku'],
];

for (const [example, kind, rule] of BROKEN) {
  test(`broken/${example}: the ${kind} hop fails on ${rule}, the other hops pass`, () => {
    const [report] = reportsFor(`broken/${example}`);
    assert.ok(report);
    for (const hop of report.hops) {
      assert.equal(hop.status, hop.kind === kind ? 'fail' : 'pass', `${hop.kind}`);
    }
    const failing = report.hops.find((h) => h.kind === kind)!;
    const check = failing.checks.find((c) => c.rule === rule);
    assert.ok(check, `a check with rule ${rule}`);
    assert.equal(check.status, 'fail');
    assert.ok(check.fix, 'a failing rule check carries a fix');
    assert.ok(check.source && check.source.file.endsWith('reverseProxy.conf'));
  });
}

test('depth-too-small: the known client is named as rejected', () => {
  const [report] = reportsFor('broken/depth-too-small');
  const client = report!.hops[0]!.checks.find((c) => /^client .* accepted$/.test(c.name));
  assert.equal(client?.status, 'fail');
  assert.match(client!.detail, /depth needed 2 \(SSLVerifyDepth 1\)/);
});

test('vhost selection by name and by position; unknown name selects nothing', () => {
  assert.equal(reportsFor('seed', { vhost: 'apache.server.name' }).length, 1);
  assert.equal(reportsFor('seed', { vhost: 'APACHE.server.name:7771' }).length, 1);
  assert.equal(reportsFor('seed', { vhost: 'other.name' }).length, 0);
  const file = path.join(EXAMPLES, 'seed', 'conf.d', 'reverseProxy.conf');
  assert.equal(reportsFor('seed', { position: { file, line: 5 } }).length, 1);
  assert.equal(reportsFor('seed', { position: { file, line: 0 } }).length, 0);
});

test('without known peers the peer verdicts are unknown, never pass', () => {
  const dir = path.join(EXAMPLES, 'seed');
  const options = mergeLayers(readProjectFile(path.join(dir, '.httpd-mtls.json')).layer);
  const checked = checkConfig(path.join(dir, 'conf.d', 'reverseProxy.conf'), {
    ...options,
    peers: { clients: [], backends: [] },
  });
  const [report] = verifyReport(checked, { ...options, peers: { clients: [], backends: [] } });
  assert.equal(report!.hops[0]!.status, 'unknown');
  assert.equal(report!.hops[2]!.status, 'unknown');
  assert.equal(report!.hops[1]!.status, 'pass');
});

test('text rendering names each hop with its mark and a failing rule with its fix', () => {
  const text = formatVerifyText(reportsFor('broken/preserve-host'));
  assert.match(text, /\[PASS\] client -> apache\.server\.name:7771/);
  assert.match(text, /\[FAIL\] apache\.server\.name:7771 -> gunicorn\.app\.server:6662/);
  assert.match(text, /\[proxy-peer-name\]/);
  assert.match(text, /fix: /);
  assert.equal(formatVerifyText([]), 'No TLS virtual host matches.\n');
});

test('only TLS vhosts and https routes get hops; unknown backend is unknown; alias fails', () => {
  const seed = path.join(EXAMPLES, 'seed');
  const options = mergeLayers(readProjectFile(path.join(seed, '.httpd-mtls.json')).layer, {
    serverRoot: seed,
    pathMappings: [],
  });
  const fixture = path.join(__dirname, '..', 'fixtures', 'verify', 'two-vhosts.conf');
  const checked = checkConfig(fixture, options);
  const reports = verifyReport(checked, options);
  assert.deepEqual(
    reports.map((r) => r.vhost),
    ['apache.server.name:7771'],
  );
  const hops = reports[0]!.hops;
  assert.deepEqual(
    hops.map((h) => [h.kind, h.to, h.status]),
    [
      ['client-to-apache', 'apache.server.name:7771', 'pass'],
      ['apache-identity', 'client', 'fail'],
      ['apache-to-backend', 'gunicorn.app.server:6662', 'pass'],
      ['apache-to-backend', 'other.backend:8443', 'unknown'],
    ],
  );
  assert.ok(hops[1]!.checks.some((c) => c.rule === 'server-name' && c.status === 'fail'));
  // Each route's findings stay on its own hop even though they share the SSLProxy* directives.
  const unchecked = (i: number) =>
    hops[i]!.checks.filter((c) => c.rule === 'proxy-peer-unchecked').map((c) => c.detail);
  assert.equal(unchecked(2).length, 1);
  assert.match(unchecked(2)[0]!, /gunicorn\.app\.server/);
  assert.equal(unchecked(3).length, 1);
  assert.match(unchecked(3)[0]!, /other\.backend/);
});
