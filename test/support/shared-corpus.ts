/**
 * The real-world configs of the workplace's shared/corpus folder, read in place (its README
 * forbids copying them into the project). Found through HTTPD_MTLS_CORPUS, else beside the
 * repository (`../shared/corpus`, as CI lays it out), else at /work/shared/corpus. A missing
 * corpus is an error with the places tried, never a silent skip.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

export function sharedCorpus(): string {
  const candidates = [
    process.env.HTTPD_MTLS_CORPUS,
    path.resolve(REPO, '..', 'shared', 'corpus'),
    '/work/shared/corpus',
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((c) => existsSync(path.join(c, 'README.md')));
  if (found === undefined) {
    throw new Error(
      `shared/corpus not found (tried ${candidates.join(', ')}); set HTTPD_MTLS_CORPUS`,
    );
  }
  return found;
}
