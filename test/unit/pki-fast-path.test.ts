import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPem } from '../../server/src/pki/pem';
import {
  CertificateParseError,
  parseCertificate,
  parseCertificateWithPkijs,
  sha256Hex,
  verifyWithX509,
} from '../../server/src/pki/certificate';
import { readCertificateDer } from '../../server/src/pki/certificate-der';
import { DerOutOfProfile } from '../../server/src/pki/der';
import { verifySignatureDer } from '../../server/src/pki/signature-der';
import { isPrivateKeyLabel, readKey, readKeyWithNode } from '../../server/src/pki/keys';
import type { PemBlock } from '../../server/src/pki/types';

const ROOT = join(__dirname, '..', '..');
const SOURCES = [join(ROOT, 'test', 'fixtures'), join(ROOT, 'examples')];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stats = statSync(path);
    if (stats.isDirectory()) return filesUnder(path);
    return stats.isFile() && stats.size < 200_000 ? [path] : [];
  });
}

/** Keys and certificates of the committed fixtures and of a few made here by openssl. */
function blocksOf(paths: string[]): PemBlock[] {
  return paths.flatMap((path) => {
    const pem = readPem(readFileSync(path), path);
    return pem.blocks.filter((block) => block.der !== null);
  });
}

function opensslVariety(dir: string): string[] {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const made: string[] = [];
  const keys: Array<[string, string[]]> = [
    ['rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']],
    ['p384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']],
    ['p521', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521']],
    ['ed25519', ['-algorithm', 'ED25519']],
  ];
  for (const [name, args] of keys) {
    run('genpkey', ...args, '-out', `${name}.key`);
    run(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '9000',
      '-subj',
      '/CN=h\u00e9llo+OU=multi/O=Caf\u00e9, Inc./C=DE',
      '-utf8',
      '-addext',
      'subjectAltName=DNS:a.example,IP:10.0.0.1,IP:::1,email:x@example.com',
      '-addext',
      'keyUsage=critical,digitalSignature,keyCertSign',
      '-addext',
      'extendedKeyUsage=serverAuth,clientAuth',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:2',
    );
    made.push(join(dir, `${name}.key`), join(dir, `${name}.crt`));
  }
  // Traditional (PKCS#1 / SEC1) encodings of the same keys.
  run('pkey', '-in', 'rsa.key', '-traditional', '-out', 'rsa-pkcs1.key');
  run('pkey', '-in', 'p384.key', '-traditional', '-out', 'p384-sec1.key');
  made.push(join(dir, 'rsa-pkcs1.key'), join(dir, 'p384-sec1.key'));
  return made;
}

test('fast certificate reading gives the pkijs view on every fixture certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'httpd-mtls-fast-'));
  try {
    const paths = [...SOURCES.flatMap(filesUnder), ...opensslVariety(dir)];
    const certificates = blocksOf(paths).filter((block) => block.label.endsWith('CERTIFICATE'));
    let fast = 0;
    for (const block of certificates) {
      const der = block.der!;
      let view;
      try {
        view = readCertificateDer(der, sha256Hex(der));
      } catch (error) {
        assert.ok(error instanceof DerOutOfProfile, String(error));
        continue;
      }
      fast++;
      assert.deepEqual(view, parseCertificateWithPkijs(der));
    }
    // Nearly all fixtures are in the profile: the fast path must actually be exercised.
    assert.ok(fast >= certificates.length * 0.8, `${fast} of ${certificates.length} fast`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fast key reading gives node:crypto's public key on every fixture key", () => {
  const dir = mkdtempSync(join(tmpdir(), 'httpd-mtls-fast-'));
  try {
    const paths = [...SOURCES.flatMap(filesUnder), ...opensslVariety(dir)];
    const keys = blocksOf(paths).filter((block) => isPrivateKeyLabel(block.label));
    assert.ok(keys.length >= 10, `${keys.length} keys`);
    for (const block of keys) {
      if (block.headers['Proc-Type'] !== undefined) continue;
      if (block.label === 'ENCRYPTED PRIVATE KEY') continue;
      assert.deepEqual(readKey(block), readKeyWithNode(block));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key whose embedded public point is off the curve is left to OpenSSL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'httpd-mtls-fast-'));
  try {
    execFileSync(
      'openssl',
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key'],
      { cwd: dir, stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      ['pkey', '-in', 'ec.key', '-traditional', '-outform', 'DER', '-out', 'ec.der'],
      { cwd: dir, stdio: 'pipe' },
    );
    const der = readFileSync(join(dir, 'ec.der'));
    der[der.length - 1] ^= 0x01; // last byte of the point's y coordinate
    const body = der
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n');
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----\n`;
    writeFileSync(join(dir, 'bad.key'), pem, { mode: 0o600 });
    const block = readPem(readFileSync(join(dir, 'bad.key')), 'bad.key').blocks[0]!;
    const key = readKey(block);
    assert.equal(key.publicKey, null);
    assert.deepEqual(key, readKeyWithNode(block));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fast signature checks agree with X509Certificate.verify on fixture pairs', () => {
  const views = blocksOf(SOURCES.flatMap(filesUnder))
    .filter((block) => block.label.endsWith('CERTIFICATE'))
    .flatMap((block) => {
      try {
        return [parseCertificate(block.der!)];
      } catch (error) {
        // Fixtures of broken certificates: nothing to verify.
        assert.ok(error instanceof CertificateParseError);
        return [];
      }
    });
  let fast = 0;
  let verified = 0;
  for (const certificate of views) {
    // Every issuer by name (the real question) and a few unrelated keys (must be false).
    const candidates = views.filter(
      (issuer, i) => i < 4 || Buffer.from(issuer.subjectDer).equals(certificate.issuerDer),
    );
    for (const issuer of candidates) {
      const result = verifySignatureDer(certificate, issuer);
      if (result === null) continue;
      fast++;
      if (result) verified++;
      assert.equal(result, verifyWithX509(certificate, issuer), certificate.subject);
    }
  }
  assert.ok(fast >= views.length && verified >= views.length / 2, `${fast} fast, ${verified} ok`);
});

test('damaged certificates: whatever the fast path accepts, pkijs reads the same', () => {
  const originals = blocksOf(SOURCES.flatMap(filesUnder))
    .filter((block) => block.label.endsWith('CERTIFICATE'))
    .map((block) => block.der!);
  // A fixed linear congruential sequence: the same 4,000 damaged copies on every run.
  let state = 20261204;
  const next = (limit: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % limit;
  };
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const der = Uint8Array.from(originals[next(originals.length)]!);
    for (let changes = 1 + next(3); changes > 0; changes--) der[next(der.length)] = next(256);
    let view;
    try {
      view = readCertificateDer(der, sha256Hex(der));
    } catch {
      continue;
    }
    accepted++;
    assert.deepEqual(view, parseCertificateWithPkijs(der), `damaged copy ${i}`);
  }
  assert.ok(accepted > 1000, `${accepted} damaged copies in the fast profile`);
});

test('damaged keys: the public key read is the one node:crypto reads, or none for both', () => {
  const keys = blocksOf(SOURCES.flatMap(filesUnder)).filter(
    (block) =>
      isPrivateKeyLabel(block.label) &&
      block.headers['Proc-Type'] === undefined &&
      block.label !== 'ENCRYPTED PRIVATE KEY',
  );
  let state = 4122026;
  const next = (limit: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % limit;
  };
  let readable = 0;
  for (let i = 0; i < 2000; i++) {
    const block = keys[next(keys.length)]!;
    const der = Uint8Array.from(block.der!);
    for (let changes = 1 + next(3); changes > 0; changes--) der[next(der.length)] = next(256);
    const damaged = { ...block, der };
    const key = readKey(damaged);
    if (key.publicKey !== null) readable++;
    assert.deepEqual(key, readKeyWithNode(damaged), `damaged copy ${i}`);
  }
  assert.ok(readable > 200, `${readable} damaged keys still readable`);
});
