/**
 * A minimal LSP client for tests: starts the built server (`node dist/server.js --stdio`) as a
 * child process and speaks JSON-RPC over its stdio with vscode-jsonrpc. No mocks.
 * `HTTPD_MTLS_DIST` may point at another build folder (default: the repo's dist/).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { Diagnostic, InitializeResult } from 'vscode-languageserver';

export const REPO = path.join(__dirname, '..', '..');
const DIST = process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist');

export const uriOf = (file: string): string => pathToFileURL(file).href;

interface Waiter {
  uri: string;
  accept: (diagnostics: Diagnostic[]) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

export interface ClientOptions {
  workspaceFolder: string;
  /** Declare dynamic registration of watched files (else the server falls back to fs.watch). */
  watchFiles?: boolean;
  /** Answer to workspace/configuration for the `httpdMtls` section. */
  settings?: Record<string, unknown>;
}

export class TestClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  /** Last diagnostics published per URI. */
  readonly published = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  /** Every publishDiagnostics URI in arrival order (to see what a check did not resend). */
  readonly publishLog: string[] = [];
  private waiters: Waiter[] = [];
  private checkWaiters: { uri: string; resolve: () => void }[] = [];
  private versions = new Map<string, number>();

  constructor(private readonly options: ClientOptions) {
    this.child = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], {
      stdio: 'pipe',
    });
    this.child.stderr.on('data', (chunk: Buffer) => this.logs.push(chunk.toString()));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const { uri, diagnostics } = params as { uri: string; diagnostics: Diagnostic[] };
      this.published.set(uri, diagnostics);
      this.publishLog.push(uri);
      const ready = this.waiters.filter((w) => w.uri === uri && w.accept(diagnostics));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const waiter of ready) waiter.resolve(diagnostics);
    });
    this.connection.onNotification('httpdMtls/checkDone', (params) => {
      const { uri } = params as { uri: string };
      const ready = this.checkWaiters.filter((w) => w.uri === uri);
      this.checkWaiters = this.checkWaiters.filter((w) => w.uri !== uri);
      for (const waiter of ready) waiter.resolve();
    });
    this.connection.onNotification('window/logMessage', (params) => {
      this.logs.push((params as { message: string }).message);
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', (params) => {
      const items = (params as { items: unknown[] }).items;
      return items.map(() => this.options.settings ?? {});
    });
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    const folder = this.options.workspaceFolder;
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(folder),
      workspaceFolders: [{ uri: uriOf(folder), name: path.basename(folder) }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: this.options.watchFiles === true },
        },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** The next diagnostics published for `uri` that `accept` takes; register before acting. */
  diagnostics(
    uri: string,
    accept: (d: Diagnostic[]) => boolean = () => true,
  ): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, accept, resolve }));
  }

  /** The next `httpdMtls/checkDone` for the open document `uri`; register before acting. */
  checkDone(uri: string): Promise<void> {
    return new Promise((resolve) => this.checkWaiters.push({ uri, resolve }));
  }

  async open(file: string, text: string, uri = uriOf(file)): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'apacheconf', version: 1, text },
    });
  }

  /** Opens `file` with `text` and waits for its diagnostics to satisfy `accept`. */
  async openUntil(
    file: string,
    text: string,
    accept: (diagnostics: Diagnostic[]) => boolean,
  ): Promise<Diagnostic[]> {
    const published = this.diagnostics(uriOf(file), accept);
    await this.open(file, text);
    return published;
  }

  /** Opens `file` with its text on disk and waits until its first check is done. */
  async openChecked(file: string): Promise<void> {
    const done = this.checkDone(uriOf(file));
    await this.open(file, readFileSync(file, 'utf8'));
    await done;
  }

  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Polite shutdown; kills the process if it does not exit after `exit`. */
  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }
}
