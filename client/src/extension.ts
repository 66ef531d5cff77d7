/**
 * The VS Code side: starts dist/server.js over node IPC, forwards settings and file events,
 * and registers the commands as thin forwards to the server's workspace/executeCommand.
 * No analysis happens here.
 */
import * as path from 'node:path';
import { commands, window, workspace, type ExtensionContext } from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { generateCertificates } from './generate-certificates';
import { verifyChain } from './verify-chain';

const CLIENT_ID = 'httpdMtls';
/** Palette command -> its title and the server command it forwards to. */
const COMMANDS: Record<string, { title: string; serverCommand: string }> = {
  'httpdMtls.verifyChain': {
    title: 'Verify mTLS chain',
    serverCommand: 'httpdMtls.server.verifyChain',
  },
  'httpdMtls.generateCertificates': {
    title: 'Generate mTLS certificates',
    serverCommand: 'httpdMtls.server.generateCertificates',
  },
};

/** Commands with a client side of their own (prompts, a webview); the rest just forward. */
const OWN_HANDLERS: Record<string, (client: LanguageClient, argument: unknown) => Promise<void>> = {
  'httpdMtls.verifyChain': verifyChain,
  'httpdMtls.generateCertificates': (client) => generateCertificates(client),
};

/** The server command behind the "generate this file" quick fix: it writes files. */
const WRITING_SERVER_COMMAND = 'httpdMtls.server.generateCertificates';

let client: LanguageClient | undefined;

interface CommandAnswer {
  implemented?: boolean;
  message?: string;
}

async function forward(serverCommand: string, title: string): Promise<void> {
  if (client === undefined) return;
  const uri = window.activeTextEditor?.document.uri.toString();
  try {
    const answer = (await client.sendRequest(ExecuteCommandRequest.type, {
      command: serverCommand,
      arguments: uri === undefined ? [] : [uri],
    })) as CommandAnswer | null;
    if (answer?.message) void window.showInformationMessage(`${title}: ${answer.message}`);
  } catch (error) {
    void window.showErrorMessage(`${title} failed: ${String(error)}`);
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    middleware: {
      // Quick fixes run server commands directly; the one that writes files must respect an
      // untrusted workspace like the palette command does.
      executeCommand: async (command, args, next) => {
        if (command === WRITING_SERVER_COMMAND && !workspace.isTrusted) {
          void window.showWarningMessage(
            'httpd-mtls writes no files in an untrusted workspace; trust the folder to generate.',
          );
          return undefined;
        }
        return next(command, args);
      },
    },
    documentSelector: [
      { scheme: 'file', language: 'apacheconf' },
      { scheme: 'untitled', language: 'apacheconf' },
    ],
    synchronize: {
      configurationSection: 'httpdMtls',
      fileEvents: [
        workspace.createFileSystemWatcher('**/*.{pem,crt,key,cer,der,conf,load}'),
        workspace.createFileSystemWatcher('**/.httpd-mtls.json'),
      ],
    },
  };

  client = new LanguageClient(CLIENT_ID, 'httpd-mtls', serverOptions, clientOptions);
  for (const [command, { title, serverCommand }] of Object.entries(COMMANDS)) {
    const own = OWN_HANDLERS[command];
    const run = own
      ? (argument?: unknown): Promise<void> =>
          client === undefined
            ? Promise.resolve()
            : own(client, argument).catch((error: unknown) => {
                void window.showErrorMessage(`${title} failed: ${String(error)}`);
              })
      : (): Promise<void> => forward(serverCommand, title);
    context.subscriptions.push(commands.registerCommand(command, run));
  }
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
