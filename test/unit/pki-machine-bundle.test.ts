import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPkiStore } from '../../server/src/pki/store';
import { analyzeMachineBundle } from '../../server/src/pki/machine-bundle';
import { compareVersions } from '../../server/src/versions';
import type { MachineBundleAnalysis } from '../../server/src/pki/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const text = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'pki-bundle-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const APACHE_NOW = { apacheVersion: '2.4.71', opensslVersion: '3.0' };
const APACHE_OLD = { apacheVersion: '2.4.58', opensslVersion: '3.0' };
const OPENSSL_1 = { apacheVersion: '2.4.71', opensslVersion: '1.1.1' };

function analyze(content: string | Buffer, opts = APACHE_NOW): MachineBundleAnalysis {
  const path = join(scratch, `bundle-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(path, content, { mode: 0o600 });
  return analyzeMachineBundle(createPkiStore().load(path), opts);
}

interface Summary {
  starts: boolean;
  ah: string;
  pairs: number;
  trusted: (string | undefined)[];
  issues: unknown[];
}

/** The observable summary: startup, AH code, pair and trusted counts, issues with entries. */
function summary(result: MachineBundleAnalysis): Summary {
  return {
    starts: result.starts,
    ah: result.ah,
    pairs: result.pairs.length,
    trusted: result.trustedAsCA.map((c) => c.value.commonNames[0]),
    issues: result.issues.map((i) => [i.kind, i.entry, i.blocks.map((b) => b.index)]),
  };
}

const loaded = (pairs: number, trusted: string[] = []): Summary => ({
  starts: true,
  ah: 'AH02207',
  pairs,
  trusted,
  issues: [],
});

// Rows of research section 4's table (Apache 2.4.71 + OpenSSL 3.0.22).
const ROWS: [string, () => string | Buffer, Summary][] = [
  ['1 cert + PKCS#8 key', () => text('client.crt') + text('client.pk8.key'), loaded(1)],
  ['2 cert + RSA key', () => text('client.crt') + text('client.rsa.key'), loaded(1)],
  ['3 RSA key, then cert', () => text('client.rsa.key') + text('client.crt'), loaded(1)],
  ['4 PKCS#8 key, then cert', () => text('client.pk8.key') + text('client.crt'), loaded(1)],
  ['5 EC cert + EC key', () => text('ec-client.crt') + text('ec.key'), loaded(1)],
  ['6 EC cert + PKCS#8 EC key', () => text('ec-client.crt') + text('ec.pk8.key'), loaded(1)],
  [
    '7 cert + ENCRYPTED PRIVATE KEY',
    () => text('client.crt') + text('client.enc.key'),
    {
      starts: false,
      ah: 'AH02252',
      pairs: 0,
      trusted: [],
      issues: [['encrypted', 0, [0, 1]]],
    },
  ],
  [
    '8 cert + Proc-Type key',
    () => text('client.crt') + text('client.proc.key'),
    {
      starts: false,
      ah: 'AH02252',
      pairs: 0,
      trusted: [],
      issues: [['encrypted', 0, [0, 1]]],
    },
  ],
  [
    '9 cert only',
    () => text('client.crt'),
    {
      starts: true,
      ah: 'AH02206',
      pairs: 0,
      trusted: ['proxy-client'],
      issues: [
        ['trusted-as-ca', 0, [0]],
        ['no-usable-pair', null, []],
      ],
    },
  ],
  [
    '10 key only',
    () => text('client.rsa.key'),
    {
      starts: false,
      ah: 'AH02326',
      pairs: 0,
      trusted: [],
      issues: [['key-only', 0, [0]]],
    },
  ],
  [
    '11 glued END/BEGIN',
    () => text('glued-bundle.pem'),
    {
      starts: true,
      ah: 'AH02206',
      pairs: 0,
      trusted: [],
      issues: [
        ['read-error', null, [0]],
        ['no-usable-pair', null, []],
      ],
    },
  ],
  [
    '12 CRLF',
    () => (text('client.crt') + text('client.rsa.key')).replace(/\n/g, '\r\n'),
    loaded(1),
  ],
  [
    '13 cert, key, intermediate',
    () => text('client.crt') + text('client.rsa.key') + text('int1.crt'),
    {
      ...loaded(1, ['Test Intermediate 1']),
      issues: [['trusted-as-ca', 1, [2]]],
    },
  ],
  [
    '14 cert, intermediate, key',
    () => text('client.crt') + text('int1.crt') + text('client.rsa.key'),
    {
      starts: false,
      ah: 'AH02326',
      pairs: 0,
      trusted: ['proxy-client'],
      issues: [
        ['trusted-as-ca', 0, [0]],
        ['mismatch', 1, [1, 2]],
      ],
    },
  ],
  [
    '15 intermediate, cert, key',
    () => text('int1.crt') + text('client.crt') + text('client.rsa.key'),
    {
      ...loaded(1, ['Test Intermediate 1']),
      issues: [['trusted-as-ca', 0, [0]]],
    },
  ],
  [
    '16 RSA pair + EC pair',
    () => text('client-bundle.pem') + text('ec-client.crt') + text('ec.key'),
    loaded(2),
  ],
  [
    '17 cert + a different key',
    () => text('mismatched-bundle.pem'),
    {
      starts: false,
      ah: 'AH02326',
      pairs: 0,
      trusted: [],
      issues: [['mismatch', 0, [0, 1]]],
    },
  ],
  [
    '18 Bag Attributes text',
    () =>
      `Bag Attributes\n    localKeyID: 01 02\n${text(
        'client.crt',
      )}Key Attributes: <No Attributes>\n${text('client.rsa.key')}`,
    loaded(1),
  ],
  [
    '19 cert under an intermediate + key',
    () => text('leaf-int1.crt') + text('leaf-int1.key'),
    loaded(1),
  ],
  [
    '20 DER file',
    () => readFileSync(join(FIXTURES, 'client.der')),
    {
      starts: true,
      ah: 'AH02206',
      pairs: 0,
      trusted: [],
      issues: [['no-usable-pair', null, []]],
    },
  ],
  [
    '21 non-PEM text',
    () => 'subject=CN = proxy-client\nnot a certificate\n',
    {
      starts: true,
      ah: 'AH02206',
      pairs: 0,
      trusted: [],
      issues: [['no-usable-pair', null, []]],
    },
  ],
  [
    '22 root + cert under int1 + key',
    () => text('root.crt') + text('leaf-int1.crt') + text('leaf-int1.key'),
    {
      ...loaded(1, ['Test Root CA']),
      issues: [['trusted-as-ca', 0, [0]]],
    },
  ],
];

for (const [name, content, expected] of ROWS) {
  test(`machine bundle row ${name}`, () => {
    assert.deepEqual(summary(analyze(content())), expected);
  });
}

test('Apache <= 2.4.58: lone cert and key-only entries are fatal AH02252', () => {
  assert.deepEqual(summary(analyze(text('client.crt'), APACHE_OLD)), {
    starts: false,
    ah: 'AH02252',
    pairs: 0,
    trusted: [],
    issues: [['incomplete', 0, [0]]],
  });
  assert.equal(analyze(text('client.rsa.key'), APACHE_OLD).ah, 'AH02252');
  const withIntermediate = text('client-bundle.pem') + text('int1.crt');
  assert.deepEqual(summary(analyze(withIntermediate, APACHE_OLD)).issues, [['incomplete', 1, [2]]]);
});

test('OpenSSL 1.1: PKCS#8 keys are skipped, leaving a lone cert', () => {
  const bundle = text('client.crt') + text('client.pk8.key');
  assert.deepEqual(summary(analyze(bundle, OPENSSL_1)), {
    starts: true,
    ah: 'AH02206',
    pairs: 0,
    trusted: ['proxy-client'],
    issues: [
      ['key-label-ignored', null, [1]],
      ['trusted-as-ca', 0, [0]],
      ['no-usable-pair', null, []],
    ],
  });
  const old = { apacheVersion: '2.4.58', opensslVersion: '1.1.1' };
  assert.equal(analyze(bundle, old).ah, 'AH02252');
  assert.equal(analyze(text('client-bundle.pem'), OPENSSL_1).ah, 'AH02207');
  assert.equal(analyze(text('client.crt') + text('client.enc.key'), OPENSSL_1).ah, 'AH02206');
});

test('an indented block is invisible to OpenSSL', () => {
  const indentedKey = text('client.rsa.key').replace('-----BEGIN', '  -----BEGIN');
  assert.deepEqual(summary(analyze(text('client.crt') + indentedKey)).trusted, ['proxy-client']);
});

test('entries group blocks; the first fatal entry decides the code', () => {
  const mixed = text('client.crt') + text('client.enc.key') + text('mismatched-bundle.pem');
  const result = analyze(mixed);
  assert.deepEqual(
    result.entries.map((e) => [e.index, e.encrypted, e.blocks.length]),
    [
      [0, true, 2],
      [1, false, 2],
    ],
  );
  assert.equal(result.ah, 'AH02252');
  assert.deepEqual(
    result.issues.map((i) => i.kind),
    ['encrypted', 'mismatch'],
  );
});

test('a second key starts a new entry, as a second cert does', () => {
  const twoKeys = analyze(text('other.key') + text('client.rsa.key') + text('client.crt'));
  assert.deepEqual(summary(twoKeys).issues, [['key-only', 0, [0]]]);
  assert.deepEqual(
    twoKeys.entries.map((e) => e.blocks.map((b) => b.index)),
    [[0], [1, 2]],
  );
  const twoCerts = analyze(text('other.crt') + text('client.crt') + text('client.rsa.key'));
  assert.deepEqual(
    twoCerts.entries.map((e) => e.blocks.map((b) => b.index)),
    [[0], [1, 2]],
  );
  assert.equal(twoCerts.ah, 'AH02207');
});

test('compareVersions', () => {
  assert.ok(compareVersions('2.4.59', '2.4.59') === 0);
  assert.ok(compareVersions('2.4.100', '2.4.59') > 0);
  assert.ok(compareVersions('1.1.1', '3.0') < 0);
  assert.ok(compareVersions('3', '3.0') === 0);
});
