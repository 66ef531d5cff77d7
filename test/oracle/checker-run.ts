/**
 * The product's side of the oracle: the built CLI (`dist/cli.js`, DESIGN section 5) run on
 * the example exactly as CI would, JSON output parsed.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

export interface CheckerDiagnostic {
  code: string;
  severity: string;
  file: string;
  /** 0-based line of the range start. */
  line: number;
}

export interface CheckerResult {
  exitCode: number;
  diagnostics: CheckerDiagnostic[];
}

interface CliJson {
  version: number;
  diagnostics: {
    file: string;
    severity: string;
    code: string;
    range: { start: { line: number } };
  }[];
}

/**
 * Rejects when the CLI is missing, exits 2 (usage/IO) or prints something that is not the
 * section 5 contract.
 */
export function runChecker(config: string, manifest: string): Promise<CheckerResult> {
  if (!fs.existsSync(CLI)) {
    return Promise.reject(new Error(`${CLI} does not exist; build it with node esbuild.mjs`));
  }
  const args = [CLI, 'check', '--format', 'json', '--manifest', manifest, config];
  return new Promise((resolve, reject) => {
    const options = { cwd: REPO_ROOT, timeout: 60_000 };
    execFile(process.execPath, args, options, (error, stdout, stderr) => {
      const exitCode = error ? Number((error as { code?: unknown }).code ?? -1) : 0;
      if (exitCode !== 0 && exitCode !== 1) {
        reject(new Error(`checker exited ${exitCode}: ${stderr.trim()}`, { cause: error }));
        return;
      }
      let parsed: CliJson;
      try {
        parsed = JSON.parse(stdout) as CliJson;
      } catch (cause) {
        reject(new Error(`checker output is not JSON: ${stdout.slice(0, 200)}`, { cause }));
        return;
      }
      if (parsed.version !== 1 || !Array.isArray(parsed.diagnostics)) {
        reject(new Error(`checker output is not version 1: ${stdout.slice(0, 200)}`));
        return;
      }
      const diagnostics = parsed.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        file: d.file,
        line: d.range.start.line,
      }));
      resolve({ exitCode, diagnostics });
    });
  });
}
