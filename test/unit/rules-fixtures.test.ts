/**
 * Table-driven rule tests over test/fixtures/rules/*.conf. A line `# expect: id [id…]` says the
 * next line carries findings of exactly those rules; any other finding in the file fails the
 * test, so a fixture without markers must come out clean. `NAME.peers.json` next to a config
 * gives known backends/clients (paths relative to the fixture folder).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { checkConfig } from '../../server/src/engine';
import type { KnownPeers } from '../../server/src/rules/types';

const dir = resolve(__dirname, '../fixtures/rules');

function expectedFindings(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const expected: string[] = [];
  lines.forEach((line, index) => {
    const match = /^\s*#\s*expect:\s*(.+)$/.exec(line);
    if (!match) return;
    for (const rule of match[1].trim().split(/\s+/)) expected.push(`${rule}@${index + 2}`);
  });
  return expected.sort();
}

function peersFor(conf: string): KnownPeers {
  const sidecar = conf.replace(/\.conf$/, '.peers.json');
  if (!existsSync(sidecar)) return { clients: [], backends: [] };
  const raw = JSON.parse(readFileSync(sidecar, 'utf8')) as Partial<KnownPeers>;
  return {
    clients: (raw.clients ?? []).map((c) => ({ ...c, certificate: join(dir, c.certificate) })),
    backends: (raw.backends ?? []).map((b) => ({
      ...b,
      certificate: b.certificate ? join(dir, b.certificate) : undefined,
    })),
  };
}

for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.conf'))
  .sort()) {
  test(`rules: ${name}`, () => {
    const conf = join(dir, name);
    const result = checkConfig(conf, { serverRoot: dir, peers: peersFor(conf) });
    assert.deepEqual(result.internalErrors, []);
    const actual = result.findings
      .filter((f) => f.file === conf)
      .map((f) => `${f.rule}@${f.range.start.line + 1}`)
      .sort();
    assert.deepEqual(actual, expectedFindings(conf));
    for (const finding of result.findings) {
      assert.ok(finding.range.end.line >= finding.range.start.line, 'range is ordered');
    }
  });
}
