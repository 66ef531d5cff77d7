/**
 * The client side of "Generate mTLS certificates": refuses in an untrusted workspace, asks
 * the server for names prefilled from the open config, asks for a folder and a key type,
 * has the server write the seed PKI there, then offers to point the config at the new files
 * (a WorkspaceEdit the server built). Every step shows something; Escape ends it quietly.
 */
import { Uri, window, workspace, WorkspaceEdit, Range, type TextEdit } from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

const SERVER_COMMAND = 'httpdMtls.server.generateCertificates';
const TITLE = 'Generate mTLS certificates';
const KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'];

interface Defaults {
  serverNames: string[];
  backendHost: string;
  clientName: string;
  caFile: string | null;
  folder: string;
}

interface Answer {
  message: string;
  written: { path: string }[];
  defaults?: Defaults;
  edit?: { changes?: Record<string, TextEdit[]> };
}

function toWorkspaceEdit(edit: NonNullable<Answer['edit']>): WorkspaceEdit {
  const result = new WorkspaceEdit();
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    for (const { range, newText } of edits) {
      const { start, end } = range;
      result.replace(
        Uri.parse(uri),
        new Range(start.line, start.character, end.line, end.character),
        newText,
      );
    }
  }
  return result;
}

async function ask(client: LanguageClient, argument: unknown): Promise<Answer> {
  return (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMAND,
    arguments: [argument],
  })) as Answer;
}

function names(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name !== '');
}

export async function generateCertificates(client: LanguageClient): Promise<void> {
  if (!workspace.isTrusted) {
    void window.showWarningMessage(`${TITLE}: this workspace is not trusted; nothing written.`);
    return;
  }
  const document = window.activeTextEditor?.document;
  if (document === undefined || document.uri.scheme !== 'file') {
    void window.showInformationMessage(`${TITLE}: open a saved Apache config first.`);
    return;
  }
  const uri = document.uri.toString();
  const defaults = (await ask(client, { mode: 'defaults', uri })).defaults;
  if (defaults === undefined) return;

  const folder = await window.showInputBox({
    title: TITLE,
    value: defaults.folder,
    prompt: 'Folder for the new CA, server, proxy-client, backend and client files',
  });
  if (!folder) return;
  const serverNames = await window.showInputBox({
    title: TITLE,
    value: defaults.serverNames.join(' '),
    prompt: 'ServerName and ServerAlias names',
  });
  if (!serverNames) return;
  const backendHost = await window.showInputBox({
    title: TITLE,
    value: defaults.backendHost,
    prompt: 'Backend host (from ProxyPass)',
  });
  if (!backendHost) return;
  const keyType = await window.showQuickPick(KEY_TYPES, { title: `${TITLE}: key type` });
  if (keyType === undefined) return;

  const answer = await ask(client, {
    mode: 'seed',
    uri,
    folder,
    keyType,
    names: {
      ...defaults,
      serverNames: names(serverNames),
      backendHost,
    },
  });
  if (answer.written.length === 0 || answer.edit === undefined) {
    void window.showErrorMessage(`${TITLE}: ${answer.message}`);
    return;
  }
  const point = 'Point the config at them';
  const choice = await window.showInformationMessage(`${TITLE}: ${answer.message}`, point);
  if (choice === point) await workspace.applyEdit(toWorkspaceEdit(answer.edit));
}
