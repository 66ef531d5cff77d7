import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPem } from '../../server/src/pki/pem';
import { parseCertificate } from '../../server/src/pki/certificate';
import {
  apacheDepthAccepts,
  buildChain,
  depthNeeded,
  type ChainPurpose,
} from '../../server/src/pki/chain';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const cert = (name: string) =>
  parseCertificate(readPem(readFileSync(join(FIXTURES, `${name}.crt`)), name).blocks[0]!.der!);
const NOW = new Date('2030-06-01T00:00:00Z');

interface ChainCase {
  leaf: string;
  untrusted: string[];
  anchors: string[];
  purpose?: ChainPurpose;
  at?: Date;
  /** Common names of the built chain, leaf first. */
  chain: string[];
  trusted: boolean;
  error: string | null;
}

const CASES: Record<string, ChainCase> = {
  'leaf under root': {
    leaf: 'client',
    untrusted: [],
    anchors: ['root'],
    purpose: 'sslclient',
    chain: ['proxy-client', 'Test Root CA'],
    trusted: true,
    error: null,
  },
  'two intermediates sent by the peer': {
    leaf: 'leaf-int2',
    untrusted: ['int2', 'int1'],
    anchors: ['root'],
    purpose: 'sslserver',
    chain: ['leaf-int2.test', 'Test Intermediate 2', 'Test Intermediate 1', 'Test Root CA'],
    trusted: true,
    error: null,
  },
  'trusted-first: intermediates in the store are used': {
    leaf: 'leaf-int2',
    untrusted: [],
    anchors: ['root', 'int1', 'int2'],
    chain: ['leaf-int2.test', 'Test Intermediate 2', 'Test Intermediate 1', 'Test Root CA'],
    trusted: true,
    error: null,
  },
  'missing intermediate': {
    leaf: 'leaf-int2',
    untrusted: ['int2'],
    anchors: ['root'],
    chain: ['leaf-int2.test', 'Test Intermediate 2'],
    trusted: false,
    error: 'unable to get local issuer certificate',
  },
  'intermediate-only store: no partial chains': {
    leaf: 'leaf-int1',
    untrusted: [],
    anchors: ['int1'],
    chain: ['backend.test', 'Test Intermediate 1'],
    trusted: false,
    error: 'unable to get issuer certificate',
  },
  'a root sent by the peer is not used above a store certificate': {
    leaf: 'leaf-int1',
    untrusted: ['root'],
    anchors: ['int1'],
    chain: ['backend.test', 'Test Intermediate 1'],
    trusted: false,
    error: 'unable to get issuer certificate',
  },
  'self-signed leaf not in the store': {
    leaf: 'self-signed-leaf',
    untrusted: [],
    anchors: ['root'],
    chain: ['self.test'],
    trusted: false,
    error: 'self-signed certificate',
  },
  'self-signed leaf in the store': {
    leaf: 'self-signed-leaf',
    untrusted: [],
    anchors: ['self-signed-leaf'],
    chain: ['self.test'],
    trusted: true,
    error: null,
  },
  'untrusted root sent by the peer': {
    leaf: 'leaf-int1',
    untrusted: ['int1', 'root'],
    anchors: ['self-signed-leaf'],
    chain: ['backend.test', 'Test Intermediate 1', 'Test Root CA'],
    trusted: false,
    error: 'self-signed certificate in certificate chain',
  },
  expired: {
    leaf: 'expired',
    untrusted: [],
    anchors: ['root'],
    chain: ['expired.test', 'Test Root CA'],
    trusted: true,
    error: 'certificate has expired',
  },
  'not yet valid': {
    leaf: 'not-yet-valid',
    untrusted: [],
    anchors: ['root'],
    chain: ['not-yet-valid.test', 'Test Root CA'],
    trusted: true,
    error: 'certificate is not yet valid',
  },
  'judged at a date before the root existed': {
    leaf: 'expired',
    untrusted: [],
    anchors: ['root'],
    at: new Date('2020-06-01T00:00:00Z'),
    chain: ['expired.test', 'Test Root CA'],
    trusted: true,
    error: 'certificate is not yet valid',
  },
  'damaged signature': {
    leaf: 'bad-signature',
    untrusted: ['int1'],
    anchors: ['root'],
    chain: ['backend.test', 'Test Intermediate 1', 'Test Root CA'],
    trusted: true,
    error: 'certificate signature failure',
  },
  'path length exceeded': {
    leaf: 'leaf-under-pathlen0',
    untrusted: ['int-under-pathlen0', 'int-pathlen0'],
    anchors: ['root'],
    chain: ['deep.test', 'Under Pathlen0 CA', 'Pathlen0 CA', 'Test Root CA'],
    trusted: true,
    error: 'path length constraint exceeded',
  },
  'CA used as a leaf verifies without a purpose': {
    leaf: 'ca-as-leaf',
    untrusted: [],
    anchors: ['root'],
    chain: ['ca-as-leaf.test', 'Test Root CA'],
    trusted: true,
    error: null,
  },
  'CA used as a server leaf: keyUsage lacks digitalSignature': {
    leaf: 'ca-as-leaf',
    untrusted: [],
    anchors: ['root'],
    purpose: 'sslserver',
    chain: ['ca-as-leaf.test', 'Test Root CA'],
    trusted: true,
    error: 'unsuitable certificate purpose',
  },
  'clientAuth leaf checked as a server': {
    leaf: 'client',
    untrusted: [],
    anchors: ['root'],
    purpose: 'sslserver',
    chain: ['proxy-client', 'Test Root CA'],
    trusted: true,
    error: 'unsuitable certificate purpose',
  },
  'serverAuth-only leaf checked as a client': {
    leaf: 'serveronly',
    untrusted: [],
    anchors: ['root'],
    purpose: 'sslclient',
    chain: ['serveronly.test', 'Test Root CA'],
    trusted: true,
    error: 'unsuitable certificate purpose',
  },
  'intermediate EKU lacks clientAuth': {
    leaf: 'client-under-server-eku',
    untrusted: ['int-server-eku'],
    anchors: ['root'],
    purpose: 'sslclient',
    chain: ['client-under-server-eku', 'ServerAuth-only CA', 'Test Root CA'],
    trusted: true,
    error: 'unsuitable certificate purpose',
  },
  'intermediate EKU ignored without a purpose': {
    leaf: 'client-under-server-eku',
    untrusted: ['int-server-eku'],
    anchors: ['root'],
    chain: ['client-under-server-eku', 'ServerAuth-only CA', 'Test Root CA'],
    trusted: true,
    error: null,
  },
  'CN-only leaf without EKU serves any purpose': {
    leaf: 'cn-only',
    untrusted: [],
    anchors: ['root'],
    purpose: 'sslclient',
    chain: ['cn-only.test', 'Test Root CA'],
    trusted: true,
    error: null,
  },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`buildChain: ${name}`, () => {
    const result = buildChain(cert(c.leaf), c.untrusted.map(cert), c.anchors.map(cert), {
      at: c.at ?? NOW,
      ...(c.purpose === undefined ? {} : { purpose: c.purpose }),
    });
    assert.deepEqual(
      result.certificates.map((v) => v.commonNames[0]),
      c.chain,
    );
    assert.equal(result.trusted, c.trusted);
    assert.equal(result.error, c.error);
  });
}

test('buildChain: invalid CA certificate (keyUsage without keyCertSign)', () => {
  // Built from the same fixtures: a leaf whose issuer name and key are the no-keyCertSign CA
  // cannot be made without its private key at test time, so openssl issues one here.
  const dir = mkdtempSync(join(tmpdir(), 'pki-chain-'));
  try {
    const run = (...args: string[]) => {
      const done = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      assert.equal(done.status, 0, done.stderr);
    };
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'k.pem');
    run('req', '-new', '-key', 'k.pem', '-subj', '/CN=under-no-keycertsign', '-out', 'r.csr');
    run(
      'x509',
      '-req',
      '-in',
      'r.csr',
      '-CA',
      join(FIXTURES, 'int-no-keycertsign.crt'),
      '-CAkey',
      join(FIXTURES, 'int-no-keycertsign.key'),
      '-days',
      '30',
      '-out',
      'c.pem',
    );
    const leaf = parseCertificate(readPem(readFileSync(join(dir, 'c.pem')), 'c').blocks[0]!.der!);
    const result = buildChain(leaf, [cert('int-no-keycertsign')], [cert('root')], {
      at: new Date(),
    });
    assert.equal(result.error, 'invalid CA certificate');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buildChain agrees with openssl verify on every case', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-oracle-'));
  try {
    for (const [name, c] of Object.entries(CASES)) {
      const file = (names: string[], label: string) => {
        const path = join(dir, `${label}.pem`);
        writeFileSync(path, names.map((n) => readFileSync(join(FIXTURES, `${n}.crt`))).join(''));
        return path;
      };
      const args = ['verify', '-CAfile', file(c.anchors, 'anchors')];
      if (c.untrusted.length > 0) args.push('-untrusted', file(c.untrusted, 'untrusted'));
      if (c.purpose !== undefined) args.push('-purpose', c.purpose);
      args.push('-attime', String(Math.floor((c.at ?? NOW).getTime() / 1000)));
      args.push(join(FIXTURES, `${c.leaf}.crt`));
      const done = spawnSync('openssl', args, { encoding: 'utf8' });
      const match = /error \d+ at \d+ depth lookup: (.*)/.exec(done.stdout + done.stderr);
      assert.equal(match?.[1] ?? null, c.error, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Apache depth rule: accepted iff chain length - 1 <= depth', () => {
  const table: [number, number[]][] = [
    [1, [0, 1, 2, 3]],
    [2, [1, 2, 3]],
    [3, [2, 3]],
    [4, [3]],
  ];
  for (const [length, accepted] of table) {
    for (const depth of [0, 1, 2, 3]) {
      const expected = accepted.includes(depth);
      assert.equal(apacheDepthAccepts(length, depth), expected, `${length}/${depth}`);
    }
  }
  const chain = buildChain(cert('leaf-int1'), [cert('int1')], [cert('root')], { at: NOW });
  assert.equal(depthNeeded(chain.certificates), 2);
});
