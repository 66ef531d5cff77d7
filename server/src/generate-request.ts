/**
 * Runs `httpdMtls.server.generateCertificates` for the language server without touching the
 * connection: checks the config the request names (project file, settings and open buffers
 * layered as for diagnostics), then dispatches on the request's mode. Errors come back as
 * messages with paths only.
 */
import { readRegularTextOrNothing } from './safe-read';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfig } from './engine';
import type { FileSource } from './config/types';
import {
  defaultsFor,
  generateMissing,
  generateSeed,
  type GenerateAnswer,
  type GenerateDefaults,
} from './features/generate-command';
import { isGenerateMissingArgs } from './features/generate-code-action';
import { KEY_TYPES, type KeyType } from './pki/generate';
import type { PkiStore } from './pki/types';
import { findProjectFile, readProjectFile } from './project-file';
import { mergeLayers, settingsLayer, type Settings } from './settings';
import { RefusedWriteError, writePlannedFiles } from './write-files';

export interface GenerateRequestInput {
  /** The command's first argument: a config URI, or an object with `mode` and `uri`. */
  argument: unknown;
  workspaceFolder: (file: string) => string | undefined;
  settings: Settings;
  buffers: ReadonlyMap<string, string>;
  pki: PkiStore;
}

interface SeedArgs {
  mode: 'seed' | 'defaults';
  uri: string;
  folder?: string;
  keyType?: string;
  names?: GenerateDefaults;
}

function asSeedArgs(value: unknown): SeedArgs | null {
  if (typeof value === 'string') return { mode: 'defaults', uri: value };
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if ((record.mode !== 'seed' && record.mode !== 'defaults') || typeof record.uri !== 'string') {
    return null;
  }
  return record as unknown as SeedArgs;
}

function keyTypeOf(text: unknown): KeyType {
  return KEY_TYPES.find((type) => type === text) ?? 'ec-p256';
}

function bufferSource(buffers: ReadonlyMap<string, string>): FileSource {
  return {
    readText: (file) => buffers.get(file) ?? readRegularTextOrNothing(file),
  };
}

export async function runGenerateRequest(input: GenerateRequestInput): Promise<GenerateAnswer> {
  const missing = isGenerateMissingArgs(input.argument) ? input.argument : null;
  const seed = missing === null ? asSeedArgs(input.argument) : null;
  const uri = missing?.uri ?? seed?.uri;
  if (uri === undefined || !uri.startsWith('file:')) {
    return { message: 'open a saved Apache config first', written: [] };
  }
  const entry = fileURLToPath(uri);
  const folder = input.workspaceFolder(entry);
  const manifest = findProjectFile(entry, folder);
  const project = manifest === null ? null : readProjectFile(manifest, input.buffers.get(manifest));
  const root = project === null ? (folder ?? path.dirname(entry)) : path.dirname(project.file);
  const options = mergeLayers(project?.layer ?? {}, settingsLayer(input.settings, root));
  options.files = bufferSource(input.buffers);
  options.pki = input.pki;
  const context = {
    uri,
    check: checkConfig(entry, options),
    workspaceRoot: root,
    pki: input.pki,
    write: writePlannedFiles,
  };

  try {
    if (missing !== null) return await generateMissing(context, missing.localPath, 'ec-p256');
    const defaults = defaultsFor(context);
    if (seed === null || seed.mode === 'defaults') {
      return { message: 'defaults', written: [], defaults };
    }
    const target = path.resolve(root, seed.folder ?? defaults.folder);
    return await generateSeed(context, target, keyTypeOf(seed.keyType), seed.names ?? defaults);
  } catch (error) {
    if (error instanceof RefusedWriteError) {
      return { message: `nothing written: ${error.message}`, written: [] };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return { message: `generation failed: ${reason}`, written: [] };
  }
}
