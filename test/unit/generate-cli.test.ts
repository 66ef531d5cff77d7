/**
 * `httpd-mtls generate` end to end in-process: files, modes, key labels, PKCS#12, refusal,
 * and that nothing secret reaches stdout or stderr.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generate, openssl, tempFolder, type GenerateRun } from './generate-test-helpers';

const SEED_ARGS = [
  'seed',
  '--out',
  'pki',
  '--server-name',
  'apache.server.name',
  '--server-name',
  'www.apache.test',
  '--backend-host',
  'gunicorn.app.server',
  '--client-name',
  'client.full.domain.name',
];

function pemLabels(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^-----BEGIN ([A-Z ]+)-----$/gm)].map(
    (match) => match[1]!,
  );
}

/** Base64 lines of every secret file: none of them may appear in CLI output. */
function secretFragments(root: string): string[] {
  const fragments: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if ((statSync(path).mode & 0o077) === 0) {
        const text = readFileSync(path, 'latin1');
        fragments.push(
          ...text.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')),
        );
        fragments.push(Buffer.from(text, 'latin1').toString('base64').slice(0, 40));
      }
    }
  };
  walk(root);
  return fragments;
}

describe('httpd-mtls generate seed', () => {
  for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
    describe(keyType, () => {
      const cwd = tempFolder(`cli-${keyType}`);
      const pki = join(cwd, 'pki');
      let first: GenerateRun;
      before(async () => {
        first = await generate([...SEED_ARGS, '--key-type', keyType], cwd);
      });

      it('writes the seed layout with the intended modes', () => {
        assert.equal(first.code, 0, first.stderr);
        const expected: [string, number][] = [
          ['ca/ca.crt', 0o644],
          ['ca-private/ca.key', 0o600],
          ['apache/server.crt', 0o644],
          ['apache/server.key', 0o600],
          ['apache/proxy-client.pem', 0o600],
          ['backend/backend.crt', 0o644],
          ['backend/backend.key', 0o600],
          ['client/client.crt', 0o644],
          ['client/client.key', 0o600],
          ['client/client.p12', 0o600],
          ['client/client.p12.password', 0o600],
        ];
        for (const [file, mode] of expected) {
          assert.equal(statSync(join(pki, file)).mode & 0o777, mode, file);
          assert.ok(first.stdout.includes(join(pki, file)), `${file} listed`);
        }
        assert.equal(statSync(join(pki, 'ca-private')).mode & 0o777, 0o700);
      });

      it('proxy bundle: certificate then a traditional key that matches it', () => {
        const bundle = join(pki, 'apache', 'proxy-client.pem');
        const keyLabel = keyType === 'ec-p256' ? 'EC PRIVATE KEY' : 'RSA PRIVATE KEY';
        assert.deepEqual(pemLabels(bundle), ['CERTIFICATE', keyLabel]);
        assert.deepEqual(pemLabels(join(pki, 'apache', 'server.key')), [keyLabel]);
        const fromCert = openssl(['x509', '-in', bundle, '-noout', '-pubkey']).stdout;
        const fromKey = openssl(['pkey', '-in', bundle, '-pubout']).stdout;
        assert.ok(fromCert.includes('PUBLIC KEY'));
        assert.equal(fromKey, fromCert);
      });

      it('every certificate verifies for its purpose under the seed CA', () => {
        const ca = join(pki, 'ca', 'ca.crt');
        const cases: [string, string][] = [
          ['apache/server.crt', 'sslserver'],
          ['backend/backend.crt', 'sslserver'],
          ['apache/proxy-client.pem', 'sslclient'],
          ['client/client.crt', 'sslclient'],
        ];
        for (const [file, purpose] of cases) {
          const result = openssl([
            'verify',
            '-x509_strict',
            '-purpose',
            purpose,
            '-CAfile',
            ca,
            join(pki, file),
          ]);
          assert.equal(result.status, 0, `${file}: ${result.stderr}`);
        }
        const backendSan = openssl([
          'x509',
          '-in',
          join(pki, 'backend/backend.crt'),
          '-noout',
          '-ext',
          'subjectAltName',
        ]).stdout;
        assert.match(backendSan, /DNS:gunicorn\.app\.server/);
        const apacheSan = openssl([
          'x509',
          '-in',
          join(pki, 'apache/server.crt'),
          '-noout',
          '-ext',
          'subjectAltName',
        ]).stdout;
        assert.match(apacheSan, /DNS:apache\.server\.name, DNS:www\.apache\.test/);
      });

      it('PKCS#12 opens with its password and not with another', () => {
        const p12 = join(pki, 'client', 'client.p12');
        const passFile = join(pki, 'client', 'client.p12.password');
        const opened = openssl([
          'pkcs12',
          '-info',
          '-noout',
          '-in',
          p12,
          '-passin',
          `file:${passFile}`,
        ]);
        assert.equal(opened.status, 0, opened.stderr);
        assert.match(opened.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
        assert.match(opened.stderr, /MAC: sha256/);
        const wrong = openssl(['pkcs12', '-info', '-noout', '-in', p12, '-passin', 'pass:wrong']);
        assert.notEqual(wrong.status, 0);
      });

      it('prints no key material and no password', () => {
        const output = first.stdout + first.stderr;
        assert.doesNotMatch(output, /PRIVATE KEY|BEGIN/);
        const password = readFileSync(join(pki, 'client', 'client.p12.password'), 'utf8').trim();
        assert.ok(!output.includes(password));
        for (const fragment of secretFragments(pki)) assert.ok(!output.includes(fragment));
      });

      it('a second run refuses, exits 1 and changes nothing', async () => {
        const before = readFileSync(join(pki, 'apache', 'server.key'));
        const again = await generate([...SEED_ARGS, '--key-type', keyType], cwd);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /apache\/server\.key/);
        assert.deepEqual(readFileSync(join(pki, 'apache', 'server.key')), before);
      });
    });
  }
});

describe('httpd-mtls generate single profiles', () => {
  it('ca, intermediate, then leaves signed by the intermediate', async () => {
    const cwd = tempFolder('cli-single');
    assert.equal((await generate(['ca', '--out', 'root', '--ca-name', 'Test Root'], cwd)).code, 0);
    assert.equal((await generate(['intermediate', '--ca', 'root', '--out', 'int'], cwd)).code, 0);
    writeFileSync(join(cwd, 'pw'), 'correct horse\n', { mode: 0o600 });
    const client = await generate(
      [
        'client',
        '--ca',
        'int',
        '--out',
        'c',
        '--name',
        'me.test',
        '--p12-password-file',
        'pw',
        '--key-type',
        'ec-p384',
      ],
      cwd,
    );
    assert.equal(client.code, 0, client.stderr);
    const proxy = await generate(
      ['proxy-client', '--ca', 'int', '--out', 'p', '--name', 'apache.test'],
      cwd,
    );
    assert.equal(proxy.code, 0, proxy.stderr);

    const rootCa = join(cwd, 'root', 'ca', 'ca.crt');
    const chain = join(cwd, 'p', 'proxy-client-chain.pem');
    assert.deepEqual(pemLabels(join(cwd, 'p', 'proxy-client.pem')), [
      'CERTIFICATE',
      'EC PRIVATE KEY',
    ]);
    const verified = openssl([
      'verify',
      '-x509_strict',
      '-purpose',
      'sslclient',
      '-CAfile',
      rootCa,
      '-untrusted',
      chain,
      join(cwd, 'p', 'proxy-client.pem'),
    ]);
    assert.equal(verified.status, 0, verified.stderr);
    const p12 = openssl([
      'pkcs12',
      '-info',
      '-noout',
      '-in',
      join(cwd, 'c', 'client.p12'),
      '-passin',
      'pass:correct horse',
    ]);
    assert.equal(p12.status, 0, p12.stderr);
    assert.equal(pemLabels(join(cwd, 'c', 'client.crt')).length, 2);
  });

  it('usage errors exit 2 without writing', async () => {
    const cwd = tempFolder('cli-usage');
    assert.equal((await generate(['server', '--out', 'x', '--ca', 'nowhere'], cwd)).code, 2);
    assert.equal((await generate(['seed', '--out', 'x'], cwd)).code, 2);
    assert.equal((await generate(['ca', '--out', 'x', '--key-type', 'rsa-1024'], cwd)).code, 2);
    assert.equal((await generate(['ca', '--out', 'x', '--bogus'], cwd)).code, 2);
    assert.equal((await generate(['ca', '--out', 'x', '--days', '-1'], cwd)).code, 2);
    assert.deepEqual(readdirSync(cwd), []);
  });
});
