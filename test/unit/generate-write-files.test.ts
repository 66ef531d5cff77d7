/**
 * write-files.ts: all-or-nothing refusal, exact modes, the CA key's private folder.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PlannedFile } from '../../server/src/pki/generate';
import { RefusedWriteError, writePlannedFiles } from '../../server/src/write-files';
import { tempFolder } from './generate-test-helpers';

function planned(path: string, secret: boolean, privateFolder = false): PlannedFile {
  return {
    path,
    content: Buffer.from(`content of ${path}\n`),
    mode: secret ? 0o600 : 0o644,
    secret,
    privateFolder,
    description: 'test file',
    certificateSha256: null,
  };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('writePlannedFiles', () => {
  it('writes exact modes, creates folders, the private folder 0700', () => {
    const root = tempFolder('write');
    const files = [
      planned(join(root, 'ca', 'ca.crt'), false),
      planned(join(root, 'ca-private', 'ca.key'), true, true),
      planned(join(root, 'apache', 'server.key'), true),
    ];
    const written = writePlannedFiles(files);

    assert.deepEqual(
      written.map((file) => file.path),
      files.map((file) => file.path),
    );
    assert.equal(modeOf(files[0]!.path), 0o644);
    assert.equal(modeOf(files[1]!.path), 0o600);
    assert.equal(modeOf(files[2]!.path), 0o600);
    assert.equal(modeOf(join(root, 'ca-private')), 0o700);
    assert.equal(readFileSync(files[2]!.path, 'utf8'), `content of ${files[2]!.path}\n`);
  });

  it('refuses when any target exists, lists it, writes nothing and keeps it unchanged', () => {
    const root = tempFolder('refuse');
    const existing = join(root, 'b.crt');
    writeFileSync(existing, 'user data');
    const files = [planned(join(root, 'a.key'), true), planned(existing, false)];

    assert.throws(
      () => writePlannedFiles(files),
      (error: unknown) => {
        assert.ok(error instanceof RefusedWriteError);
        assert.deepEqual(error.paths, [existing]);
        return true;
      },
    );
    assert.equal(existsSync(join(root, 'a.key')), false);
    assert.equal(readFileSync(existing, 'utf8'), 'user data');
  });

  it('refuses a dangling symlink target as existing', async () => {
    const { symlinkSync } = await import('node:fs');
    const root = tempFolder('symlink');
    symlinkSync(join(root, 'nowhere'), join(root, 'link.key'));
    assert.throws(
      () => writePlannedFiles([planned(join(root, 'link.key'), true)]),
      RefusedWriteError,
    );
    assert.equal(existsSync(join(root, 'nowhere')), false);
  });

  it('refuses to put a served file in the CA key folder', () => {
    const root = tempFolder('mixed');
    const files = [
      planned(join(root, 'ca-private', 'ca.key'), true, true),
      planned(join(root, 'ca-private', 'server.crt'), false),
    ];
    assert.throws(() => writePlannedFiles(files), RefusedWriteError);
    assert.equal(existsSync(join(root, 'ca-private')), false);
  });

  it('refuses an existing CA key folder that group or other can enter', () => {
    const root = tempFolder('open-folder');
    mkdirSync(join(root, 'ca-private'));
    chmodSync(join(root, 'ca-private'), 0o755);
    assert.throws(
      () => writePlannedFiles([planned(join(root, 'ca-private', 'ca.key'), true, true)]),
      RefusedWriteError,
    );
    assert.equal(existsSync(join(root, 'ca-private', 'ca.key')), false);
  });

  it('leaves no temporary files behind', async () => {
    const { readdirSync } = await import('node:fs');
    const root = tempFolder('temps');
    writePlannedFiles([planned(join(root, 'x.key'), true), planned(join(root, 'y.crt'), false)]);
    assert.deepEqual(readdirSync(root).sort(), ['x.key', 'y.crt']);
  });
});
