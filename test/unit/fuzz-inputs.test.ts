/**
 * Property tests (fast-check): random text and mutations of the committed examples and
 * fixtures never make parseConfig, readPem, the PKI store or checkConfig throw, and each call
 * finishes in bounded time. Mutated configs are written next to copies of their certificate
 * folders so the whole engine (loader, PKI, rules) runs on them. Seeded, so a failure repeats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseConfig } from '../../server/src/config/parser';
import { readPem } from '../../server/src/pki/pem';
import { createPkiStore } from '../../server/src/pki/store';
import { checkConfig } from '../../server/src/engine';

const REPO = path.join(__dirname, '..', '..');
const FIXTURES = path.join(REPO, 'test', 'fixtures');
const SEED = path.join(REPO, 'examples', 'seed');
/** Per call; generous for slow CI machines, far below what a hang or blow-up would take. */
const BOUND_MS = 2_000;
const FC = { seed: 20261204, numRuns: 200 };

function bounded<T>(what: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < BOUND_MS, `${what} took ${Math.round(elapsed)} ms`);
  return result;
}

const configCorpus = [
  ...readdirSync(path.join(FIXTURES, 'rules'))
    .filter((f) => f.endsWith('.conf'))
    .map((f) => readFileSync(path.join(FIXTURES, 'rules', f), 'utf8')),
  readFileSync(path.join(SEED, 'conf.d', 'reverseProxy.conf'), 'utf8'),
];

const pemCorpus = readdirSync(path.join(FIXTURES, 'pki'))
  .filter((f) => /\.(pem|crt|key|der)$/.test(f))
  .map((f) => readFileSync(path.join(FIXTURES, 'pki', f)));

/** Apache-flavoured noise: the characters the lexer treats specially. */
const configChars = fc.constantFrom(
  ...'<>/\\"\' \t\n\r#${}:*?[]=-_aZ09'.split(''),
  'SSLEngine on',
  '<VirtualHost *:443>',
  '</VirtualHost>',
  '<IfModule ssl_module>',
  'Include ',
  'Define X',
  '${X}',
  'SSLCertificateFile ',
  '-----BEGIN CERTIFICATE-----',
);

/** Where a mutation applies and what it does: replace, delete or duplicate a slice. */
const edit = fc.record({
  at: fc.nat(),
  length: fc.nat({ max: 64 }),
  kind: fc.constantFrom('replace', 'delete', 'duplicate'),
});

type Edit = { at: number; length: number; kind: string };

function splice<T extends { length: number; slice(a: number, b?: number): T }>(
  base: T,
  { at, length, kind }: Edit,
  inserted: T,
  join: (parts: T[]) => T,
): T {
  const start = base.length === 0 ? 0 : at % base.length;
  const end = Math.min(base.length, start + length);
  if (kind === 'delete') return join([base.slice(0, start), base.slice(end)]);
  if (kind === 'duplicate') return join([base.slice(0, end), base.slice(start)]);
  return join([base.slice(0, start), inserted, base.slice(end)]);
}

function mutatedText(corpus: string[], insert: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...corpus), edit, insert)
    .map(([base, change, inserted]) => splice(base, change, inserted, (p) => p.join('')));
}

function mutatedBytes(corpus: Buffer[], insert: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...corpus), edit, insert)
    .map(([base, change, inserted]) => splice(base, change, Buffer.from(inserted), Buffer.concat));
}

const randomConfig = fc.oneof(
  fc.array(configChars, { maxLength: 200 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 400 }),
  mutatedText(
    configCorpus,
    fc.array(configChars, { maxLength: 12 }).map((p) => p.join('')),
  ),
);

test('parseConfig never throws on random or mutated configs', () => {
  fc.assert(
    fc.property(randomConfig, (text) => {
      const parsed = bounded('parseConfig', () => parseConfig(text, '/tmp/fuzz.conf'));
      assert.ok(parsed);
    }),
    FC,
  );
});

test('readPem never throws on random or mutated PEM and DER', () => {
  const pemBytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    mutatedBytes(pemCorpus, fc.uint8Array({ maxLength: 24 })),
    mutatedText(
      pemCorpus.map((b) => b.toString('latin1')),
      fc.constantFrom('-----', '\n', 'A', '=', '-----END CERTIFICATE-----', 'PRIVATE KEY'),
    ),
  );
  fc.assert(
    fc.property(pemBytes, (bytes) => {
      const input = typeof bytes === 'string' ? bytes : Buffer.from(bytes);
      bounded('readPem', () => readPem(input, '/tmp/fuzz.pem'));
    }),
    FC,
  );
});

test('the PKI store loads mutated certificate and key files without throwing', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fuzz-pki-'));
  let counter = 0;
  fc.assert(
    fc.property(mutatedBytes(pemCorpus, fc.uint8Array({ maxLength: 24 })), (bytes) => {
      const file = path.join(folder, `file-${counter++}.pem`);
      writeFileSync(file, bytes, { mode: 0o600 });
      bounded('store.load', () => createPkiStore().load(file));
    }),
    FC,
  );
});

test('checkConfig never throws on mutated examples beside real certificate folders', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fuzz-check-'));
  cpSync(path.join(FIXTURES, 'pki'), path.join(root, 'pki'), { recursive: true });
  cpSync(SEED, path.join(root, 'seed'), { recursive: true });
  const rules = path.join(root, 'rules');
  cpSync(path.join(FIXTURES, 'rules'), rules, { recursive: true });
  let counter = 0;
  fc.assert(
    fc.property(randomConfig, (text) => {
      const entry = path.join(rules, `fuzz-${counter++}.conf`);
      writeFileSync(entry, text);
      const result = bounded('checkConfig', () => checkConfig(entry, { serverRoot: rules }));
      assert.deepEqual(result.internalErrors, []);
    }),
    { ...FC, numRuns: 100 },
  );
});
