/**
 * `httpd-mtls generate --for CONFIG`: check the config as `check` would (project file
 * beside it or `--manifest`), then generate every file its `file-missing` findings name,
 * at the (mapped) local paths, signed by the CA the vhost trusts when its key is in the
 * workspace, else by a new CA written to `--ca-out` (default `<workspace>/httpd-mtls-ca`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkConfig } from './engine';
import { generateForConfig, type ConfigGeneration } from './features/generate-for-config';
import type { KeyType } from './pki/generate';
import { createPkiStore } from './pki/store';
import { findProjectFile, readProjectFile } from './project-file';
import { mergeLayers } from './settings';

export interface GenerateForRequest {
  config: string;
  manifest: string | null;
  keyType: KeyType;
  days: number;
  caDays: number;
  caOut: string | null;
  cwd: string;
}

/** Raised for a config or project file that cannot be used; the CLI exits 2. */
export class GenerateForInputError extends Error {}

export async function planForConfig(request: GenerateForRequest): Promise<ConfigGeneration> {
  const entry = path.resolve(request.cwd, request.config);
  if (!fs.existsSync(entry)) throw new GenerateForInputError(`cannot read ${request.config}`);
  // Outside the cwd, the nearest project file above the config still describes it.
  const manifest =
    request.manifest === null
      ? (findProjectFile(entry, request.cwd) ?? findProjectFile(entry, path.parse(entry).root))
      : path.resolve(request.cwd, request.manifest);
  const project = manifest === null ? null : readProjectFile(manifest);
  if (project !== null && project.problems.length > 0) {
    const first = project.problems[0]!;
    throw new GenerateForInputError(`${project.file}: ${first.message}`);
  }
  const pki = createPkiStore();
  const result = checkConfig(entry, { ...mergeLayers(project?.layer ?? {}), pki });
  const workspaceRoot = project === null ? path.dirname(entry) : path.dirname(project.file);
  return generateForConfig(result.topology, result.findings, {
    keyType: request.keyType,
    days: request.days,
    caDays: request.caDays,
    workspaceRoot,
    caFolder:
      request.caOut === null
        ? path.join(workspaceRoot, 'httpd-mtls-ca')
        : path.resolve(request.cwd, request.caOut),
    pki,
  });
}

/** Lines saying what was skipped and who signed, for stdout (paths only). */
export function describeGeneration(generation: ConfigGeneration): string {
  const lines: string[] = [];
  const signer = generation.signer;
  if (signer?.kind === 'existing') {
    lines.push(`signed by the existing CA ${signer.paths.certificate}`);
  } else if (signer?.kind === 'new') {
    lines.push(`signed by a new CA ${signer.paths.certificate} (key ${signer.paths.key})`);
  }
  for (const skip of generation.plan.skipped) {
    lines.push(`skipped ${skip.missing.directive} ${skip.missing.localPath}: ${skip.reason}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}
