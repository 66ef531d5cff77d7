// The broken example both editor tests open, and where in it the checker must report.
// Positions are found in the file's text, so edits to the example do not break the tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './e2e-deps';

/** examples/broken/no-proxy-engine: an https:// ProxyPass with no SSLProxyEngine On. */
export const BROKEN_CASE_DIR = 'broken/no-proxy-engine';
export const BROKEN_CONFIG = `${BROKEN_CASE_DIR}/conf.d/reverseProxy.conf`;
export const EXPECTED_RULE = 'proxy-engine-missing';

export interface ExamplePositions {
  /** 0-based line of the ProxyPass to the https:// backend: where the rule must point. */
  proxyPassLine: number;
  /** 0-based line and character inside the SSLCertificateFile path, for hovering. */
  certPathLine: number;
  certPathCharacter: number;
}

export function brokenExamplePositions(): ExamplePositions {
  const text = readFileSync(path.join(repoRoot, 'examples', BROKEN_CONFIG), 'utf8');
  const lines = text.split('\n');
  const proxyPassLine = lines.findIndex((line) => /^\s*ProxyPass\s+"?https:\/\//.test(line));
  const certPathLine = lines.findIndex((line) => /^\s*SSLCertificateFile\s/.test(line));
  if (proxyPassLine < 0 || certPathLine < 0) {
    throw new Error(`${BROKEN_CONFIG} no longer has an https ProxyPass and SSLCertificateFile`);
  }

  // Middle of the path argument, so a hover lands on the path and not on the directive.
  const certLine = lines[certPathLine] ?? '';
  const pathStart = certLine.search(/\S+$/);
  const pathLength = certLine.trimEnd().length - pathStart;
  return { proxyPassLine, certPathLine, certPathCharacter: pathStart + Math.floor(pathLength / 2) };
}
