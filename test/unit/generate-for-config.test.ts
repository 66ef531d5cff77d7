/**
 * `httpd-mtls generate --for CONFIG` on copies of examples/seed with files removed: what it
 * writes, who signs, that the checker is then clean (information aside), and refusals.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkConfig } from '../../server/src/engine';
import { readProjectFile } from '../../server/src/project-file';
import { mergeLayers } from '../../server/src/settings';
import { RULES } from '../../server/src/rules/rule-table';
import { generate, openssl, tempFolder } from './generate-test-helpers';

const SEED = join(import.meta.dirname, '..', '..', 'examples', 'seed');
const CONFIG = join('conf.d', 'reverseProxy.conf');

/** A copy of the seed without its sslCerts folder (and without `remove` files). */
function seedCopy(name: string, remove: string[] = []): string {
  const root = join(tempFolder(name), 'seed');
  cpSync(SEED, root, { recursive: true });
  rmSync(join(root, 'sslCerts'), { recursive: true });
  for (const file of remove) rmSync(join(root, file));
  return root;
}

/** Findings above information, as `rule@line` for readable failures. */
function problems(root: string): string[] {
  const project = readProjectFile(join(root, '.httpd-mtls.json'));
  const result = checkConfig(join(root, CONFIG), mergeLayers(project.layer));
  return result.findings
    .filter((finding) => (finding.severity ?? RULES[finding.rule].severity) !== 'information')
    .map((finding) => `${finding.rule}@${finding.range.start.line}`);
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('generate --for CONFIG', () => {
  it('fills the seed sslCerts from the workspace CA and leaves the checker clean', async () => {
    const root = seedCopy('for-seed');
    assert.ok(problems(root).includes('file-missing@8'));

    const run = await generate(['--for', CONFIG], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /existing CA .*ca\/myCA\.crt/);
    const certs = join(root, 'sslCerts');
    assert.deepEqual(problems(root), []);
    assert.equal(mode(join(certs, 'apacheServerKey.pem')), 0o600);
    assert.equal(mode(join(certs, 'apacheAsClientCertAndKeyCombined.pem')), 0o600);
    assert.equal(mode(join(certs, 'apacheServerCert.pem')), 0o644);
    assert.doesNotMatch(run.stdout, /PRIVATE KEY|BEGIN/);

    const verify = openssl([
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(certs, 'myCA.crt'),
      join(certs, 'apacheServerCert.pem'),
    ]);
    assert.equal(verify.status, 0, verify.stderr);
    const san = openssl([
      'x509',
      '-noout',
      '-ext',
      'subjectAltName',
      '-in',
      join(certs, 'apacheServerCert.pem'),
    ]);
    assert.match(san.stdout, /DNS:apache\.server\.name/);
  });

  it('has nothing left to generate on a second run and touches nothing', async () => {
    const root = seedCopy('for-twice');
    assert.equal((await generate(['--for', CONFIG], root)).code, 0);
    const keyBefore = statSync(join(root, 'sslCerts', 'apacheServerKey.pem')).mtimeMs;
    const second = await generate(['--for', CONFIG], root);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /nothing to generate/);
    assert.equal(statSync(join(root, 'sslCerts', 'apacheServerKey.pem')).mtimeMs, keyBefore);
  });

  it('makes a new CA with its key in a private folder when no CA key is in reach', async () => {
    const root = seedCopy('for-new-ca', [join('ca', 'myCAkey.pem')]);
    const run = await generate(['--for', CONFIG, '--key-type', 'rsa-2048'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /new CA/);
    const privateFolder = join(root, 'httpd-mtls-ca', 'ca-private');
    assert.equal(mode(privateFolder), 0o700);
    assert.equal(mode(join(privateFolder, 'ca.key')), 0o600);
    assert.equal(existsSync(join(root, 'sslCerts', 'ca.key')), false);
    // The new CA is what the config now trusts (it was written at SSLCACertificateFile).
    const verify = openssl([
      'verify',
      '-CAfile',
      join(root, 'sslCerts', 'myCA.crt'),
      join(root, 'sslCerts', 'apacheAsClientCertAndKeyCombined.pem'),
    ]);
    assert.equal(verify.status, 0, verify.stderr);
    assert.equal(problems(root).filter((problem) => problem.startsWith('file-missing')).length, 0);
  });

  it('refuses and writes nothing when a file it would write exists', async () => {
    const root = seedCopy('for-refuse', [join('ca', 'myCAkey.pem')]);
    const existing = join(root, 'httpd-mtls-ca', 'ca', 'ca.crt');
    mkdirSync(join(root, 'httpd-mtls-ca', 'ca'), { recursive: true });
    writeFileSync(existing, 'not mine to replace\n');
    const run = await generate(['--for', CONFIG], root);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refusing to overwrite: .*httpd-mtls-ca\/ca\/ca\.crt/);
    assert.equal(existsSync(join(root, 'sslCerts')), false);
  });

  it('exits 2 for a config that does not exist and for --for with a PROFILE', async () => {
    const cwd = tempFolder('for-usage');
    assert.equal((await generate(['--for', 'absent.conf'], cwd)).code, 2);
    assert.equal((await generate(['server', '--for', 'absent.conf'], cwd)).code, 2);
  });
});
