/**
 * Safe writing of generated files: never over an existing file, all-or-nothing checks
 * before the first byte is written, exact modes, private key material only in 0600 files.
 *
 * Each file is written to a temporary name in its own folder, fsynced, then hard-linked to
 * its final name (link(2) fails with EEXIST instead of replacing, unlike rename) and the
 * temporary name removed. A file that appears between the check and the link therefore
 * makes the write fail, and the files this call already placed are removed again.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { PlannedFile } from './pki/generate/types';

export interface WrittenFile {
  path: string;
  mode: number;
  description: string;
  certificateSha256: string | null;
}

/** Raised when nothing was written because targets exist or folders are unsafe. */
export class RefusedWriteError extends Error {
  constructor(
    message: string,
    readonly paths: string[],
  ) {
    super(message);
    this.name = 'RefusedWriteError';
  }
}

const PRIVATE_FOLDER_MODE = 0o700;
const FOLDER_MODE = 0o755;

function exists(path: string): boolean {
  try {
    fs.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Everything that would make the write unsafe, found before anything is touched. */
function findProblems(files: PlannedFile[]): RefusedWriteError | null {
  const existing = files.map((file) => file.path).filter(exists);
  if (existing.length > 0) {
    return new RefusedWriteError(`refusing to overwrite: ${existing.join(', ')}`, existing);
  }

  const seen = new Set<string>();
  for (const file of files) {
    const path = resolve(file.path);
    if (seen.has(path)) return new RefusedWriteError(`${file.path} is planned twice`, [path]);
    seen.add(path);
  }

  const privateFolders = new Set(
    files.filter((f) => f.privateFolder).map((f) => resolve(dirname(f.path))),
  );
  const mixed = files.filter(
    (f) => !f.privateFolder && privateFolders.has(resolve(dirname(f.path))),
  );
  if (mixed.length > 0) {
    const paths = mixed.map((f) => f.path);
    return new RefusedWriteError(`CA key folder would also hold: ${paths.join(', ')}`, paths);
  }

  for (const folder of privateFolders) {
    if (!exists(folder)) continue;
    const mode = fs.statSync(folder).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      return new RefusedWriteError(
        `${folder} is accessible to group/other (mode ${mode.toString(8)}); use a new folder`,
        [folder],
      );
    }
  }
  return null;
}

function ensureFolder(folder: string, privateFolder: boolean): void {
  if (exists(folder)) return;
  fs.mkdirSync(folder, { recursive: true, mode: FOLDER_MODE });
  // mkdir's mode is filtered by the umask; set the intended one explicitly.
  fs.chmodSync(folder, privateFolder ? PRIVATE_FOLDER_MODE : FOLDER_MODE);
}

function fsyncFolder(folder: string): void {
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes one file through a temporary name; throws EEXIST if `file.path` appeared. */
function placeFile(file: PlannedFile): void {
  const folder = dirname(file.path);
  const temporary = join(folder, `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temporary, 'wx', file.mode);
  try {
    fs.fchmodSync(fd, file.mode);
    fs.writeSync(fd, file.content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, file.path);
  } finally {
    fs.unlinkSync(temporary);
  }
  fsyncFolder(folder);
}

/**
 * Writes every planned file or none: refuses (RefusedWriteError, nothing written) when any
 * target exists. Messages carry paths only, never file contents.
 */
export function writePlannedFiles(files: PlannedFile[]): WrittenFile[] {
  const problem = findProblems(files);
  if (problem !== null) throw problem;

  const placed: string[] = [];
  try {
    for (const file of files) {
      ensureFolder(dirname(file.path), file.privateFolder);
      placeFile(file);
      placed.push(file.path);
    }
  } catch (cause) {
    // Only files this call created are removed; an existing file was never touched.
    for (const path of placed) fs.rmSync(path, { force: true });
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`nothing kept, write failed: ${reason}`, { cause });
  }

  return files.map((file) => ({
    path: file.path,
    mode: file.mode,
    description: file.description,
    certificateSha256: file.certificateSha256,
  }));
}
