/**
 * One check of one open config for the language server, without touching the connection:
 * find the project file, layer the options (settings over project file over defaults), run
 * the engine with unsaved buffers winning over disk, and turn findings into diagnostics per
 * file URI. The server publishes what this returns.
 */
import * as fs from 'node:fs';
import { readRegularTextOrNothing } from './safe-read';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { checkConfig, type CheckCache, type CheckOptions, type CheckResult } from './engine';
import { applySuppressions } from './features/suppressions';
import type { DirectoryReader, FileSource, TextChanges } from './config/types';
import { ChangeJournal } from './change-journal';
import type { PkiStore } from './pki/types';
import { RULES } from './rules/rule-table';
import {
  diagnosticsByUri,
  DIAGNOSTIC_SOURCE,
  fileUri,
  type FileDiagnostics,
} from './features/diagnostics';
import {
  findProjectFile,
  PROJECT_FILE_NAME,
  readProjectFile,
  type ProjectFile,
} from './project-file';
import { mergeLayers, settingsLayer, type Settings } from './settings';
import type { WatchedTextCache } from './watched-files';
import { sameItems } from './same-items';

/** Code of diagnostics on `.httpd-mtls.json` itself (not a rule: the file is not a config). */
export const PROJECT_FILE_CODE = 'project-file';

export interface DocumentCheckInput {
  /** Absolute path the config is checked as (for untitled buffers: a path in the workspace). */
  entry: string;
  /** Workspace folder holding the config; the project file search stops there. */
  workspaceFolder: string | undefined;
  settings: Settings;
  /** Text of open editor buffers by absolute path; they win over the disk. */
  buffers: ReadonlyMap<string, string>;
  /** Certificate cache shared across checks (it re-reads files whose stat changed). */
  pki?: PkiStore;
  /** Config texts kept across checks for files the client watches; none: read every time. */
  textCache?: WatchedTextCache;
  /** Directory entries kept across checks for folders inside the workspace. */
  directories?: DirectoryReader;
  /** Models and findings kept from the previous check of this entry (engine `CheckCache`). */
  cache?: CheckCache;
  /** Judge validity at this instant; default now. */
  at?: Date;
}

export interface DocumentCheckResult {
  /** Diagnostics per file URI: every config file read (and the project file) is listed. */
  diagnostics: FileDiagnostics;
  /** Local paths whose change should re-run this check (configs, certs, keys, project file). */
  dependencies: string[];
  /** The engine's result (suppressed findings removed), for hover, links, lenses and fixes. */
  engine: CheckResult;
  /** The layered options the engine ran with (Verify mTLS chain reuses them). */
  options: CheckOptions;
}

/**
 * Where a check of an open config reads config texts: unsaved buffers first, then the text
 * cache (or the disk). With a check cache and a text cache it also tells the loader what
 * changed since that cache's last check (`TextChanges`); call it once per check.
 */
export function editorSource(
  buffers: ReadonlyMap<string, string>,
  textCache: WatchedTextCache | undefined,
  cache: CheckCache | undefined,
): FileSource {
  return {
    readText(file) {
      const buffer = buffers.get(file);
      if (buffer !== undefined) return buffer;
      if (textCache === undefined) return readRegularTextOrNothing(file);
      return textCache.read(file, readRegularTextOrNothing);
    },
    changes: changesFor(cache, textCache, buffers),
  };
}

/**
 * What changed in one config's source between its checks: open buffers edited, opened or
 * closed, and files the text cache forgot. Buffers are compared with those of the last check,
 * so it holds whoever calls; a file is steady while it is a buffer or the cache holds it.
 */
class SourceChanges implements TextChanges {
  private readonly journal = new ChangeJournal();
  private buffers: ReadonlyMap<string, string> = new Map();
  /** The text cache's token at the last check; null before the first. */
  private cacheToken: number | null = null;

  constructor(private cache: WatchedTextCache) {}

  /** Records what changed since the last check; call once at the start of each. */
  update(buffers: ReadonlyMap<string, string>, cache: WatchedTextCache): void {
    if (cache !== this.cache) {
      this.cache = cache;
      this.cacheToken = null;
    }
    const named = new Set<string>();
    for (const [file, text] of buffers) if (this.buffers.get(file) !== text) named.add(file);
    for (const file of this.buffers.keys()) if (!buffers.has(file)) named.add(file);
    this.buffers = new Map(buffers);
    const forgotten = this.cacheToken === null ? 'all' : this.cache.changes.since(this.cacheToken);
    this.cacheToken = this.cache.changes.token();
    if (forgotten === 'all') this.journal.record('all');
    else if (named.size > 0 || forgotten.size > 0) this.journal.record([...named, ...forgotten]);
  }

  token(): number {
    return this.journal.token();
  }

  since(token: number): ReadonlySet<string> | 'all' {
    return this.journal.since(token);
  }

  steady(file: string): boolean {
    return this.buffers.has(file) || this.cache.holds(file);
  }
}

const sourceChanges = new WeakMap<CheckCache, SourceChanges>();

/** The source journal of this check's cache, brought up to date; none without both. */
function changesFor(
  cache: CheckCache | undefined,
  textCache: WatchedTextCache | undefined,
  buffers: ReadonlyMap<string, string>,
): TextChanges | undefined {
  if (cache === undefined || textCache === undefined) return undefined;
  let changes = sourceChanges.get(cache);
  if (changes === undefined) {
    changes = new SourceChanges(textCache);
    sourceChanges.set(cache, changes);
  }
  changes.update(buffers, textCache);
  return changes;
}

function projectFileDiagnostics(project: ProjectFile): Diagnostic[] {
  return project.problems.map((problem) => ({
    range: problem.range,
    severity: 1,
    source: DIAGNOSTIC_SOURCE,
    code: PROJECT_FILE_CODE,
    message: problem.message,
  }));
}

/** The last project file read per path, with its text: re-checks read it again, unchanged. */
const projectFiles = new Map<string, { text: string | undefined; project: ProjectFile }>();

function projectFile(
  file: string,
  buffers: ReadonlyMap<string, string>,
  cache: WatchedTextCache | undefined,
): ProjectFile {
  const text = buffers.get(file) ?? cache?.read(file, readRegularTextOrNothing);
  const kept = projectFiles.get(file);
  if (kept !== undefined && text !== undefined && kept.text === text) return kept.project;
  const project = readProjectFile(file, text);
  if (projectFiles.size >= 100) projectFiles.clear();
  projectFiles.set(file, { text, project });
  return project;
}

const lastFileUris = new WeakMap<
  CheckCache,
  { files: string[]; project: string | undefined; uris: string[] }
>();

/** URIs of the files read and the project file; the same array as last check's if the same. */
function fileUris(
  cache: CheckCache | undefined,
  files: string[],
  project: string | undefined,
): string[] {
  const last = cache === undefined ? undefined : lastFileUris.get(cache);
  if (last !== undefined && last.project === project && sameItems(last.files, files)) {
    return last.uris;
  }
  const uris = files.map(fileUri);
  if (project !== undefined) uris.push(fileUri(project));
  if (cache !== undefined) lastFileUris.set(cache, { files, project, uris });
  return uris;
}

const lastDependencies = new WeakMap<
  CheckCache,
  {
    files: string[];
    wanted: string[];
    referenced: string[];
    project: string | undefined;
    list: string[];
  }
>();

/**
 * Config files, files an Include named that could not be read, files read and the project
 * file, once each; last check's list if the same.
 */
function dependencyList(
  cache: CheckCache | undefined,
  files: string[],
  wanted: string[],
  referenced: string[],
  project: string | undefined,
): string[] {
  const last = cache === undefined ? undefined : lastDependencies.get(cache);
  if (
    last !== undefined &&
    last.referenced === referenced &&
    last.project === project &&
    sameItems(last.files, files) &&
    sameItems(last.wanted, wanted)
  ) {
    return last.list;
  }
  const list = [...new Set([...files, ...wanted, ...referenced])];
  if (project !== undefined) list.push(project);
  if (cache !== undefined) {
    lastDependencies.set(cache, { files, wanted, referenced, project, list });
  }
  return list;
}

/** Runs the check; throws only what the engine throws (the server catches and logs it). */
export function checkDocument(input: DocumentCheckInput): DocumentCheckResult {
  const { entry, workspaceFolder, settings, buffers } = input;
  const base = workspaceFolder ?? path.dirname(entry);

  // The nearest project file in the config's folder or any parent, as the CLI finds it.
  const manifest = findProjectFile(entry, path.parse(entry).root, (file) =>
    buffers.has(file) ? true : fs.existsSync(file),
  );
  const project = manifest === null ? null : projectFile(manifest, buffers, input.textCache);
  const options = mergeLayers(project?.layer ?? {}, settingsLayer(settings, base));
  options.files = editorSource(buffers, input.textCache, input.cache);
  options.discoverPeersIn = project ? path.dirname(project.file) : base;
  if (input.pki !== undefined) options.pki = input.pki;
  if (input.cache !== undefined) options.cache = input.cache;
  if (input.directories !== undefined) options.directories = input.directories;
  if (input.at !== undefined && options.at === undefined) options.at = input.at;
  const levels = { ...project?.rules, ...settings.rules };

  const result = checkConfig(entry, options);
  result.findings = applySuppressions(result.findings, (file) => options.files?.readText(file));
  const files = [entry, ...result.config.files];
  const found = diagnosticsByUri(result.findings, RULES, levels);
  const projectDiagnostics = project === null ? [] : projectFileDiagnostics(project);
  if (project !== null && projectDiagnostics.length > 0) {
    found.set(fileUri(project.file), projectDiagnostics);
  }
  const diagnostics = { files: fileUris(input.cache, files, project?.file), found };

  const dependencies = dependencyList(
    input.cache,
    files,
    result.config.wanted,
    result.referencedFiles,
    // Without one, where the quick fix would create it: a new project file re-checks.
    project?.file ?? path.join(base, PROJECT_FILE_NAME),
  );
  return { diagnostics, dependencies, engine: result, options };
}
