/**
 * The language server: the only file that touches the LSP connection. Open `apacheconf`
 * documents are checked (debounced while typing) with unsaved buffers winning over disk, and
 * re-checked when a config, certificate, key or project file they depend on changes.
 * Transport from argv (`--stdio`, `--node-ipc`). Logs go to window/logMessage, never stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLogger } from './logger';
import { normalizeSettings, DEFAULT_SETTINGS, type Settings } from './settings';
import { checkDocument } from './document-check';
import { fileUri, type FileDiagnostics } from './features/diagnostics';
import { DiagnosticStore } from './diagnostic-store';
import { PublishFilter } from './publish-filter';
import { WatchedDirectoryCache, WatchedFiles, WatchedTextCache } from './watched-files';
import { FallbackWatcher } from './fallback-watcher';
import { createPkiStore } from './pki/store';
import { generateFileActions } from './features/generate-code-action';
import { runGenerateRequest } from './generate-request';
import { bufferOrDisk, EditorRequests, type EditorDocument } from './features/editor-requests';
import { findProjectFile } from './project-file';
import { PROJECT_FILE_NAME } from './features/code-actions';
import { createCheckCache, type CheckCache, type CheckResult } from './engine';
import { sameItems } from './same-items';
import { parseVerifyArgument, runVerifyChain } from './features/verify-command';

const DEBOUNCE_MS = 300;
/**
 * Sent after every check of an open document, once its diagnostics are published:
 * `{ uri, durationMs, ok }`. Unchanged files are not republished, so clients (tests, the
 * benchmark) that need to know a check finished wait on this instead of on a publish.
 */
export const CHECK_DONE_NOTIFICATION = 'httpdMtls/checkDone';
/**
 * Server-side command ids. They differ from the palette commands (`httpdMtls.verifyChain`)
 * because vscode-languageclient registers every advertised command itself, which would clash
 * with the client's own registration.
 */
export const COMMANDS = [
  'httpdMtls.server.verifyChain',
  'httpdMtls.server.generateCertificates',
] as const;
/** Globs the client watches for us (also registered dynamically when the client allows). */
export const WATCH_GLOBS = ['**/*.{pem,crt,key,cer,der,conf,load}', '**/.httpd-mtls.json'];

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const logger = createLogger((level, message) => {
  if (level === 'error') connection.console.error(message);
  else if (level === 'warn') connection.console.warn(message);
  else if (level === 'info') connection.console.info(message);
  else connection.console.log(message);
});

process.on('unhandledRejection', (reason) => logger.error('Unhandled rejection', reason));
process.on('uncaughtException', (error) => logger.error('Uncaught exception', error));

let workspaceFolders: string[] = [];
let canFollowFolders = false;
let canAskConfiguration = false;
let canWatchFiles = false;
let canRefreshLenses = false;
let globalSettings: Settings = DEFAULT_SETTINGS;
const settingsCache = new Map<string, Promise<Settings>>();
const store = new DiagnosticStore();
const publishFilter = new PublishFilter();
/** Files the client reports changes of are trusted between checks (no stat, no re-read). */
const watchedFiles = new WatchedFiles(
  () => canWatchFiles,
  (file) => folderOf(file),
);
const pki = createPkiStore({
  trusted: (file) => watchedFiles.covers(file),
  trustedDirectory: (directory) => watchedFiles.coversDirectory(directory),
});
const textCache = new WatchedTextCache(watchedFiles);
const directories = new WatchedDirectoryCache(watchedFiles);
/** Entry URI -> models and findings of its last check, reused by the next one. */
const checkCaches = new Map<string, CheckCache>();
const editor = new EditorRequests(pki);
/** Entry URI -> its last engine result, for hover, links, lenses and fixes. */
const lastChecks = new Map<string, CheckResult>();
/** Entry URI -> local paths its last check depended on. */
const dependencies = new Map<string, string[]>();
/** Pending checks by URI. */
const timers = new Map<string, { cancel(): void }>();
/** Open documents edited (or opened) since their last check: that check publishes them. */
const editedSinceCheck = new Set<string>();
const fallbackWatcher = new FallbackWatcher((file) => onFilesChanged([file], false), logger);
/** The dependency lists `watchUnreported` last worked from; emptied to make it work again. */
let watchedLists: string[][] = [];

/** The local path of a `file:` URI; null for other schemes and for URIs Node cannot map
 * (`file://server/share`, an encoded `/`): those are treated as untitled, never thrown. */
function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function folderOf(file: string): string | undefined {
  const inside = workspaceFolders.filter((folder) => {
    const relative = path.relative(folder, file);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  });
  return inside.sort((a, b) => b.length - a.length)[0];
}

/** Local path a document is checked as; untitled buffers get a path in the first folder. */
function entryPath(document: TextDocument): string {
  const local = uriToPath(document.uri);
  if (local !== null) return local;
  const name = document.uri.replace(/^[a-z-]+:/i, '').replace(/[^\w.-]/g, '_') || 'untitled';
  return path.join(workspaceFolders[0] ?? process.cwd(), name);
}

/**
 * The instant checks judge validity at: the current minute, so that re-checks within it can
 * reuse the findings of unchanged vhosts (an expiry is reported at most a minute late).
 */
function startOfMinute(): Date {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000);
}

function settingsFor(uri: string): Promise<Settings> {
  if (!canAskConfiguration) return Promise.resolve(globalSettings);
  let cached = settingsCache.get(uri);
  if (cached === undefined) {
    cached = connection.workspace
      .getConfiguration({ scopeUri: uri, section: 'httpdMtls' })
      .then(normalizeSettings, (error: unknown) => {
        logger.warn(`Cannot read settings for ${uri}`, error);
        return DEFAULT_SETTINGS;
      });
    settingsCache.set(uri, cached);
  }
  return cached;
}

function openBuffers(): Map<string, string> {
  return new Map(documents.all().map((document) => [entryPath(document), document.getText()]));
}

async function check(uri: string): Promise<void> {
  const document = documents.get(uri);
  if (document === undefined) return;
  const settings = await settingsFor(uri);
  logger.setLevel(settings.trace.server === 'verbose' ? 'debug' : 'info');
  const entry = entryPath(document);
  const edited = editedSinceCheck.delete(uri);
  const started = performance.now();
  const done = (ok: boolean): void => {
    const durationMs = performance.now() - started;
    void connection.sendNotification(CHECK_DONE_NOTIFICATION, { uri, durationMs, ok });
  };

  let result;
  try {
    const workspaceFolder = folderOf(entry);
    const buffers = openBuffers();
    let cache = checkCaches.get(uri);
    if (cache === undefined) {
      cache = createCheckCache(pki);
      checkCaches.set(uri, cache);
    }
    result = checkDocument({
      entry,
      workspaceFolder,
      settings,
      buffers,
      pki,
      textCache,
      directories,
      cache,
      at: startOfMinute(),
    });
  } catch (error) {
    logger.error(`Checking ${entry} failed; keeping the previous diagnostics`, error);
    done(false);
    return;
  }
  // The document may have been closed while settings were fetched.
  if (documents.get(uri) === undefined) return;

  // An untitled buffer is checked under a made-up path; its findings belong to its own URI.
  const untitled = uriToPath(uri) === null;
  const entryUri = untitled ? uri : fileUri(entry);
  const diagnostics = untitled
    ? renamedTarget(result.diagnostics, fileUri(entry), uri)
    : result.diagnostics;
  // The first check after open sends every file; later ones only what changed, and the
  // checked document itself after an edit of it (clients wait on it then).
  const firstCheck = !dependencies.has(uri);
  dependencies.set(uri, result.dependencies);
  lastChecks.set(uri, result.engine);
  // Lens counts come from the findings; a re-check after a certificate change must show.
  if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
  watchUnreported();
  // Unchanged files are not sent again. A re-check after a file event sends only what
  // changed: one message fewer for the client to wait on (clients wait on checkDone).
  const targets = new Set(store.update(uri, diagnostics));
  if (firstCheck || edited) targets.add(entryUri);
  if (firstCheck) for (const target of diagnostics.files) targets.add(target);
  const forced = (target: string) => target === uri || target === fileUri(entry);
  publish([...targets], (target) => firstCheck || (edited && forced(target)));
  done(true);
  logger.debug(`Checked ${entry}: ${result.dependencies.length} files`);
}

/** The same diagnostics with one file's URI replaced (an untitled buffer's made-up path). */
function renamedTarget(diagnostics: FileDiagnostics, from: string, to: string): FileDiagnostics {
  const files = diagnostics.files.map((target) => (target === from ? to : target));
  const found = new Map(diagnostics.found);
  const list = found.get(from);
  if (list !== undefined) {
    found.delete(from);
    found.set(to, list);
  }
  return { files, found };
}

/** Sends each target whose list changed since last sent, or that `force` names. */
function publish(targets: string[], force: (target: string) => boolean = () => true): void {
  for (const target of targets) {
    const diagnostics = store.diagnosticsFor(target);
    if (!publishFilter.shouldSend(target, diagnostics, force(target))) continue;
    void connection.sendDiagnostics({ uri: target, diagnostics });
  }
}

/**
 * Checks `uri` after `delay` ms, replacing a check already pending for it. Delay 0 runs after
 * the messages already read (setImmediate: a burst of file events gives one check) without
 * the millisecond a zero timeout costs.
 */
function schedule(uri: string, delay = DEBOUNCE_MS): void {
  timers.get(uri)?.cancel();
  const run = () => {
    timers.delete(uri);
    check(uri).catch((error: unknown) => logger.error(`Check of ${uri} failed`, error));
  };
  if (delay === 0) {
    const immediate = setImmediate(run);
    timers.set(uri, { cancel: () => clearImmediate(immediate) });
  } else {
    const timeout = setTimeout(run, delay);
    timers.set(uri, { cancel: () => clearTimeout(timeout) });
  }
}

/** Re-checks open documents that depend on a changed file (all of them for new files). */
function onFilesChanged(files: string[], createdOrDeleted: boolean): void {
  forgetFiles(files, createdOrDeleted);
  const projectFileChanged = files.some((file) => path.basename(file) === '.httpd-mtls.json');
  for (const document of documents.all()) {
    const deps = dependencySet(dependencies.get(document.uri) ?? []);
    if (createdOrDeleted || projectFileChanged || files.some((file) => deps.has(file))) {
      schedule(document.uri, 0);
    }
  }
}

/** A dependency list as a set, kept per list (a check hands back the same list if unchanged). */
const dependencySets = new WeakMap<string[], Set<string>>();

function dependencySet(list: string[]): Set<string> {
  let set = dependencySets.get(list);
  if (set === undefined) {
    set = new Set(list);
    dependencySets.set(list, set);
  }
  return set;
}

/**
 * Drops the trusted copies of these files. A created or deleted path may be a folder (the
 * client names the folder, not what was in it), so then every trusted copy goes.
 */
function forgetFiles(files: string[], createdOrDeleted: boolean): void {
  if (createdOrDeleted) {
    watchedLists = [];
    watchedFiles.forgetAll();
    pki.forget('all');
    textCache.forgetAll();
    directories.forgetAll();
    return;
  }
  // A path may have become a symlink: VS Code reports a delete and create of the same path
  // in one go as a change, so whether it is watched is decided again.
  for (const file of files) {
    const before = watchedFiles.covers(file);
    watchedFiles.forget([file]);
    if (watchedFiles.covers(file) !== before) watchedLists = [];
  }
  pki.forget(files);
  textCache.forget(files);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? [];
  if (folders.length === 0 && params.rootUri) folders.push(params.rootUri);
  workspaceFolders = folders.map(uriToPath).filter((folder) => folder !== null);
  canAskConfiguration = params.capabilities.workspace?.configuration === true;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  canWatchFiles =
    params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canFollowFolders = params.capabilities.workspace?.workspaceFolders === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      executeCommandProvider: { commands: [...COMMANDS] },
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.httpd-mtls'] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['<', '/', ' '] },
      documentLinkProvider: {},
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      codeLensProvider: {},
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'httpd-mtls' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, {
    section: 'httpdMtls',
  });
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: WATCH_GLOBS.map((globPattern) => ({ globPattern })),
    });
  }
  // The library listens for folder changes itself (when the client sends them).
  if (canFollowFolders) connection.workspace.onDidChangeWorkspaceFolders(onFoldersChanged);
  logger.info(`httpd-mtls server ready (watching files: ${canWatchFiles ? 'client' : 'fs'})`);
});

connection.onDidChangeConfiguration((change) => {
  settingsCache.clear();
  const settings = (change.settings as { httpdMtls?: unknown } | null)?.httpdMtls;
  if (settings !== undefined) globalSettings = normalizeSettings(settings);
  for (const document of documents.all()) schedule(document.uri, 0);
});

/**
 * A folder added or removed changes what the client reports and where relative paths and
 * untitled buffers live: every trusted copy and kept result goes, every open config is checked
 * again (files of a removed folder are then watched by the server itself).
 */
function onFoldersChanged(event: WorkspaceFoldersChangeEvent): void {
  const removed = new Set(event.removed.map((folder) => uriToPath(folder.uri)));
  const kept = workspaceFolders.filter((folder) => !removed.has(folder));
  const added = event.added
    .map((folder) => uriToPath(folder.uri))
    .filter((folder): folder is string => folder !== null && !kept.includes(folder));
  workspaceFolders = [...kept, ...added];
  checkCaches.clear();
  onFilesChanged([], true);
}

connection.onDidChangeWatchedFiles(({ changes }) => {
  const files = changes.map((change) => uriToPath(change.uri)).filter((file) => file !== null);
  const createdOrDeleted = changes.some((change) => change.type !== FileChangeType.Changed);
  onFilesChanged(files, createdOrDeleted);
});

function editorDocument(uri: string): EditorDocument | null {
  const document = documents.get(uri);
  if (document === undefined) return null;
  return { uri, entry: entryPath(document), text: document.getText(), engine: lastChecks.get(uri) };
}

function editorActions(doc: EditorDocument, diagnostics: Diagnostic[]): CodeAction[] {
  const buffers = openBuffers();
  const folder = folderOf(doc.entry) ?? path.dirname(doc.entry);
  const exists = (file: string): boolean => buffers.has(file) || fs.existsSync(file);
  const found = findProjectFile(doc.entry, folder, exists);
  const projectFile = {
    path: found ?? path.join(folder, PROJECT_FILE_NAME),
    exists: found !== null,
  };
  const all = store.diagnosticsFor(doc.uri);
  return editor.actions(doc, diagnostics, all, (file) => bufferOrDisk(buffers, file), projectFile);
}

connection.onCodeAction(({ textDocument, context }) => {
  const doc = editorDocument(textDocument.uri);
  const own = doc === null ? [] : editorActions(doc, context.diagnostics);
  return [...generateFileActions(textDocument.uri, context.diagnostics), ...own];
});
connection.onHover(({ textDocument, position }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? null : editor.hover(doc, position);
});
connection.onCompletion(({ textDocument, position }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? [] : editor.completion(doc, position);
});
connection.onDocumentLinks(({ textDocument }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? [] : editor.links(doc);
});
connection.onDocumentSymbol(({ textDocument }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? [] : editor.symbols(doc);
});
connection.onFoldingRanges(({ textDocument }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? [] : editor.folding(doc);
});
connection.onCodeLens(({ textDocument }) => {
  const doc = editorDocument(textDocument.uri);
  return doc === null ? [] : editor.lenses(doc);
});

async function generateCertificates(argument: unknown): Promise<unknown> {
  const uri =
    typeof argument === 'string'
      ? argument
      : String((argument as { uri?: unknown } | undefined)?.uri ?? '');
  const answer = await runGenerateRequest({
    argument,
    workspaceFolder: folderOf,
    settings: await settingsFor(uri),
    buffers: openBuffers(),
    pki,
  });
  logger.info(`Generate certificates: ${answer.message}`);
  // New files answer file-missing findings; re-check now rather than wait for file events.
  if (answer.written.length > 0)
    onFilesChanged(
      answer.written.map((file) => file.path),
      true,
    );
  return answer;
}

/** A fresh check of the named document (buffers win), then the report as webview HTML. */
async function verifyChain(argument: unknown): Promise<unknown> {
  const request = parseVerifyArgument(argument);
  const document = request === null ? undefined : documents.get(request.uri);
  const entry = document ? entryPath(document) : request && uriToPath(request.uri);
  if (request === null || entry === null) return { html: null, message: 'open an Apache config' };
  const settings = await settingsFor(request.uri);
  const checked = checkDocument({
    entry,
    workspaceFolder: folderOf(entry),
    settings,
    buffers: openBuffers(),
    pki,
  });
  const answer = await runVerifyChain({
    argument: request,
    entry,
    check: checked.engine,
    options: checked.options,
  });
  logger.info(`Verify mTLS chain: ${answer.reports.length} vhosts${request.live ? ', live' : ''}`);
  return answer;
}

connection.onExecuteCommand(({ command, arguments: args }) => {
  if (command === 'httpdMtls.server.generateCertificates') {
    return generateCertificates(args?.[0]);
  }
  if (command === 'httpdMtls.server.verifyChain') {
    return verifyChain(args?.[0]).catch((error: unknown) => {
      logger.error('Verify mTLS chain failed', error);
      return { html: null, message: `failed: ${error instanceof Error ? error.message : error}` };
    });
  }
  logger.info(`Command ${command}: not implemented yet`);
  return { implemented: false, message: `${command} is not implemented yet` };
});

// Fired on open too: a document never checked yet is checked at once, edits are debounced.
documents.onDidChangeContent(({ document }) => {
  editedSinceCheck.add(document.uri);
  schedule(document.uri, dependencies.has(document.uri) ? DEBOUNCE_MS : 0);
  // Other open configs that include this file read its buffer too.
  scheduleDependents(entryPath(document), document.uri, DEBOUNCE_MS);
});

/**
 * Watches with fs.watch the files open configs depend on that no client event would report:
 * all of them when the client does not watch files; otherwise those outside its globs or the
 * workspace, or reached through a symlink (a certbot `live/` link whose target changes).
 * Worked out again only when some dependency list changed.
 */
function watchUnreported(): void {
  const lists = [...dependencies.values()];
  if (sameItems(lists, watchedLists)) return;
  watchedLists = lists;
  const files = new Set<string>();
  for (const list of lists) for (const file of list) if (unreported(file)) files.add(file);
  fallbackWatcher.watch(files);
}

/**
 * Whether no client event reports changes of this dependency. Folders inside the workspace
 * count as reported (their listings are trusted until a created/deleted event), and so does a
 * missing file whose creation the client will report.
 */
function unreported(file: string): boolean {
  if (!canWatchFiles) return true;
  if (watchedFiles.covers(file)) return false;
  const kind = pki.pathKind(file);
  if (kind === 'absent') return !watchedFiles.reportsCreation(file);
  return !(kind === 'directory' && watchedFiles.coversDirectory(file));
}

/** Re-checks the open documents other than `except` whose last check read `file`. */
function scheduleDependents(file: string, except: string, delay: number): void {
  for (const other of documents.all()) {
    if (other.uri !== except && dependencySet(dependencies.get(other.uri) ?? []).has(file)) {
      schedule(other.uri, delay);
    }
  }
}
documents.onDidClose(({ document }) => {
  timers.get(document.uri)?.cancel();
  timers.delete(document.uri);
  editedSinceCheck.delete(document.uri);
  settingsCache.delete(document.uri);
  // What no event reports (a chmod, a new file of another name) shows when it is reopened:
  // its files and folders are read again then.
  const read = dependencies.get(document.uri);
  if (read !== undefined) {
    pki.forget(read);
    textCache.forget(read);
    directories.forgetAll();
  }
  dependencies.delete(document.uri);
  lastChecks.delete(document.uri);
  checkCaches.delete(document.uri);
  editor.forget(document.uri);
  publish(store.remove(document.uri));
  watchUnreported();
  // A config including the closed file now reads it from disk (unsaved changes are gone).
  scheduleDependents(entryPath(document), document.uri, 0);
});

documents.listen(connection);
connection.listen();
