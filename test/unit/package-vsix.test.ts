// Runs the real `npm run package` (esbuild bundles + vsce) and holds the .vsix to what
// .vscodeignore promises: the bundles and the declarative contributions, nothing else, < 2 MB.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const vsixPath = path.join(repoRoot, 'httpd-mtls.vsix');
const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/** vsce's own files, the manifest it always adds, and what .vscodeignore re-includes. */
const ALLOWED_ENTRIES: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/dist\/(client|server|cli)\.js$/,
  /^extension\/syntaxes\/[\w.-]+\.json$/,
  /^extension\/language-configuration\.json$/,
  /^extension\/schemas\/[\w.-]+\.json$/,
  // vsce renames README.md, CHANGELOG.md and LICENSE to these names inside the package.
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/images\/icon\.png$/,
];

const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/syntaxes/apacheconf.tmLanguage.json',
  'extension/language-configuration.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/images/icon.png',
];

function listZipEntries(zipPath: string): string[] {
  const listing = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' });
  return listing.split('\n').filter((name) => name !== '' && !name.endsWith('/'));
}

test('npm run package builds a .vsix with only the shipped files, under 2 MB', () => {
  execFileSync('npm', ['run', '--silent', 'package'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const entries = listZipEntries(vsixPath);
  const unexpected = entries.filter((name) => !ALLOWED_ENTRIES.some((re) => re.test(name)));
  assert.deepEqual(unexpected, [], 'files in the .vsix that .vscodeignore should keep out');

  const missing = REQUIRED_ENTRIES.filter((name) => !entries.includes(name));
  assert.deepEqual(missing, [], 'files the .vsix must ship');

  assert.ok(statSync(vsixPath).size < MAX_VSIX_BYTES, `${vsixPath} is not under 2 MB`);
});
