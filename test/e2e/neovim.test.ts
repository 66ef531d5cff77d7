// The built language server (dist/server.js --stdio) under a second real LSP client: Debian's
// Neovim 0.7, headless, driven by neovim-client.lua on a copy of a broken example.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import {
  BROKEN_CASE_DIR,
  BROKEN_CONFIG,
  EXPECTED_RULE,
  brokenExamplePositions,
} from './broken-example';
import { isolatedEnv } from './code-server';
import { NVIM_PATH, repoRoot, skipReason } from './e2e-deps';

const execFileAsync = promisify(execFile);
const NVIM_TIMEOUT_MS = 30_000;

interface NeovimDiagnostic {
  code: string | number;
  source: string;
  severity: number;
  line: number;
  character: number;
}

let runRoot = '';

before(() => {
  runRoot = mkdtempSync(path.join(os.tmpdir(), 'httpd-mtls-nvim-'));
});

after(() => {
  if (runRoot !== '') rmSync(runRoot, { recursive: true, force: true });
});

test(
  `Neovim receives ${EXPECTED_RULE} from dist/server.js --stdio`,
  {
    skip: skipReason([NVIM_PATH]),
  },
  async () => {
    await execFileAsync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
    const workspace = path.join(runRoot, 'workspace');
    cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
    const outFile = path.join(runRoot, 'diagnostics.jsonl');

    await execFileAsync(
      NVIM_PATH,
      [
        '--headless',
        '-n',
        '-i',
        'NONE',
        '-u',
        path.join(import.meta.dirname, 'neovim-client.lua'),
        path.join(workspace, BROKEN_CONFIG),
      ],
      {
        cwd: runRoot,
        timeout: NVIM_TIMEOUT_MS,
        env: {
          ...isolatedEnv(runRoot),
          HTTPD_MTLS_SERVER: path.join(repoRoot, 'dist/server.js'),
          HTTPD_MTLS_ROOT: path.join(workspace, BROKEN_CASE_DIR),
          HTTPD_MTLS_OUT: outFile,
        },
      },
    );

    const diagnostics = readFileSync(outFile, 'utf8')
      .split('\n')
      .filter((row) => row !== '')
      .map((row) => JSON.parse(row) as NeovimDiagnostic);
    const ours = diagnostics.filter((diagnostic) => diagnostic.code === EXPECTED_RULE);
    assert.equal(ours.length, 1, `diagnostics received: ${JSON.stringify(diagnostics)}`);
    assert.equal(ours[0]?.source, 'httpd-mtls');
    assert.equal(ours[0]?.line, brokenExamplePositions().proxyPassLine);
  },
);
