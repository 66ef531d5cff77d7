/**
 * Shared helpers for the generate-* tests: temp folders, the openssl CLI, writing a
 * freshly issued credential to files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerate } from '../../server/src/cli-generate';

export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `httpd-mtls-${prefix}-`));
}

/** Runs openssl; returns stdout, stderr and the exit status (never throws on status). */
export function openssl(
  args: string[],
  input?: string,
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8', input });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `openssl x509 -text -noout` of a PEM file's first certificate. */
export function certificateText(path: string): string {
  return execFileSync('openssl', ['x509', '-in', path, '-text', '-noout'], { encoding: 'utf8' });
}

/** The text of one extension block in `openssl x509 -text` output, header line included. */
export function extensionBlock(text: string, name: string): string | null {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim().startsWith(`${name}:`));
  if (start < 0) return null;
  const block = [lines[start]!.trim()];
  for (const line of lines.slice(start + 1)) {
    if (/^\s{12}X509v3 |^\s{4}Signature Algorithm/.test(line) || line.trim() === '') break;
    block.push(line.trim());
  }
  return block.join('\n');
}

export function writeText(path: string, text: string | Uint8Array, mode = 0o644): string {
  writeFileSync(path, text, { mode });
  return path;
}

export interface GenerateRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `httpd-mtls generate ARGS` in-process and captures its exit code and output. */
export async function generate(args: string[], cwd: string): Promise<GenerateRun> {
  let stdout = '';
  let stderr = '';
  const code = await runGenerate(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
  });
  return { code, stdout, stderr };
}
