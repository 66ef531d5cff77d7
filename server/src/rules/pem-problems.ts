/** PEM-level defects of a file Apache reads with OpenSSL's PEM reader. */
import type { Finding } from '../findings';
import type { FileRef } from '../model/types';
import type { LoadedPemFile, Located } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';

/**
 * `pem-glued` and `pem-invalid` findings for a file that must be PEM; empty when the file reads.
 * `consequence` says what Apache does when the file does not read (it differs per directive).
 */
export function pemFileProblems(ref: FileRef, file: LoadedPemFile, consequence: string): Finding[] {
  const pem = file.pem;
  if (!pem) return [];
  const path = ref.deployedPath;
  if (pem.glued) {
    const glued = pem.blocks.filter((b) => b.defects.includes('glued'));
    return [
      atFile(
        'pem-glued',
        ref,
        `${path} has an END line and the next BEGIN line glued together on one line: OpenSSL's ` +
          `PEM reader fails on the whole file, so ${consequence}.`,
        {
          related: glued.map((b) =>
            blockLocation(file.path, b, `block ${b.index + 1}: ${b.label}`),
          ),
          data: { fix: 'unglue-pem', localPath: file.path },
        },
      ),
    ];
  }
  if (pem.format === 'der') {
    return [
      atFile('pem-invalid', ref, `${path} is DER, not PEM: ${consequence}.`, {
        data: { format: 'der' },
      }),
    ];
  }
  if (pem.format !== 'pem') {
    return [atFile('pem-invalid', ref, `${path} holds no PEM block: ${consequence}.`)];
  }
  const damaged = pem.blocks.filter((b) => b.defects.some((d) => d !== 'indented'));
  const findings: Finding[] = [];
  for (const block of damaged) {
    findings.push(
      atFile(
        'pem-invalid',
        ref,
        `Block ${block.index + 1} (${block.label}) of ${path} is damaged ` +
          `(${block.defects.join(', ')}): ` +
          `${consequence}.`,
        { related: [blockLocation(file.path, block, block.defects.join(', '))] },
      ),
    );
  }
  for (const bad of file.badCertificates) {
    findings.push(
      atFile(
        'pem-invalid',
        ref,
        `Certificate block ${bad.block.index + 1} of ${path} is not X.509: ${consequence}.`,
        {
          related: [blockLocation(bad.file, bad.block, bad.reason)],
        },
      ),
    );
  }
  return findings;
}

/**
 * The certificates OpenSSL's PEM reader sees: it looks for BEGIN lines at column 0 only, so
 * an indented block is not read at all.
 */
export function visible<T>(located: Located<T>[]): Located<T>[] {
  return located.some((c) => c.block.defects.includes('indented'))
    ? located.filter((c) => !c.block.defects.includes('indented'))
    : located;
}
