import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPem } from '../../server/src/pki/pem';
import { parseCertificate } from '../../server/src/pki/certificate';
import { keyMatchesCertificate, readDerKey, readKey } from '../../server/src/pki/keys';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const bytes = (name: string) => readFileSync(join(FIXTURES, name));
const block = (name: string) => readPem(bytes(name), name).blocks[0]!;
const cert = (name: string) => parseCertificate(block(name).der!);

const readable: [string, string, string, number][] = [
  ['client.rsa.key', 'traditional', 'rsa', 2048],
  ['client.pk8.key', 'pkcs8', 'rsa', 2048],
  ['ec.key', 'traditional', 'ec', 256],
  ['ec.pk8.key', 'pkcs8', 'ec', 256],
  ['dsa.key', 'traditional', 'dsa', 2048],
  ['ed25519.key', 'pkcs8', 'ed25519', 256],
];
for (const [file, format, algorithm, bits] of readable) {
  test(`readKey ${file}: ${format} ${algorithm}`, () => {
    const key = readKey(block(file));
    assert.equal(key.format, format);
    assert.equal(key.encrypted, false);
    assert.equal(key.error, undefined);
    assert.equal(key.publicKey?.algorithm, algorithm);
    assert.equal(key.publicKey?.bits, bits);
  });
}

test('encrypted keys are recognised and never decrypted', () => {
  const pkcs8 = readKey(block('client.enc.key'));
  assert.deepEqual(pkcs8, { format: 'pkcs8-encrypted', encrypted: true, publicKey: null });
  const procType = readKey(block('client.proc.key'));
  const expected = { format: 'traditional-encrypted', encrypted: true, publicKey: null };
  assert.deepEqual(procType, expected);
});

test('every form of the client key matches the client certificate only', () => {
  const client = cert('client.crt');
  for (const file of ['client.key', 'client.rsa.key', 'client.pk8.key']) {
    assert.equal(keyMatchesCertificate(readKey(block(file)), client), true, file);
  }
  assert.equal(keyMatchesCertificate(readKey(block('other.key')), client), false);
  assert.equal(keyMatchesCertificate(readKey(block('client.enc.key')), client), false);
  assert.equal(keyMatchesCertificate(readKey(block('ec.key')), cert('ec-client.crt')), true);
  assert.equal(keyMatchesCertificate(readKey(block('ec.pk8.key')), cert('ec-client.crt')), true);
});

test('unreadable keys carry an error and no key bytes', () => {
  const certAsKey = { ...block('client.crt'), label: 'RSA PRIVATE KEY' };
  const key = readKey(certAsKey);
  assert.equal(key.publicKey, null);
  assert.ok(key.error !== undefined);
  const body = Buffer.from(certAsKey.der!).toString('base64');
  assert.ok(!key.error.includes(body.slice(0, 16)));

  const damaged = readKey({ ...block('client.rsa.key'), der: null });
  assert.equal(damaged.publicKey, null);
  assert.ok(damaged.error !== undefined);

  const openssh = readKey({ ...block('client.rsa.key'), label: 'OPENSSH PRIVATE KEY' });
  assert.equal(openssh.publicKey, null);
});

test('DER key files: PKCS#8, encrypted PKCS#8, and a certificate is not a key', () => {
  const der = readDerKey(bytes('client.key.der'));
  assert.equal(der?.label, 'PRIVATE KEY');
  assert.equal(keyMatchesCertificate(der!.key, cert('client.crt')), true);

  const encrypted = readDerKey(block('client.enc.key').der!);
  assert.equal(encrypted?.label, 'ENCRYPTED PRIVATE KEY');
  assert.equal(encrypted?.key.encrypted, true);

  const pkcs1 = readDerKey(bytes('client.rsa.key.der'));
  assert.equal(pkcs1?.label, 'RSA PRIVATE KEY');
  assert.equal(keyMatchesCertificate(pkcs1!.key, cert('client.crt')), true);

  const sec1 = readDerKey(block('ec.key').der!);
  assert.equal(sec1?.label, 'EC PRIVATE KEY');

  assert.equal(readDerKey(bytes('client.der')), null);
});
