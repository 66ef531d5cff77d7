// Where the real-editor e2e finds its tools (installed by scripts/install-e2e-deps.sh) and
// whether they are all there. Missing tools skip the e2e locally but fail it in CI.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const NVIM_PATH = '/usr/bin/nvim';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'e2e');

/** code-server's node entry point inside the cache folder the install script uses. */
export function codeServerEntry(): string {
  const cacheRoot = process.env.HTTPD_MTLS_CACHE ?? path.join(os.homedir(), '.cache/httpd-mtls');
  const installDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
  return path.join(installDir, 'node_modules/code-server/out/node/entry.js');
}

/**
 * The reason to skip, or false when the tools are there. In CI (`CI` set) a missing tool is
 * never a skip: the caller gets false and the test fails on the missing file instead.
 */
export function skipReason(tools: string[]): string | false {
  const missing = tools.filter((tool) => !existsSync(tool));
  if (missing.length === 0 || process.env.CI) return false;
  return `missing ${missing.join(', ')}: run scripts/install-e2e-deps.sh`;
}
