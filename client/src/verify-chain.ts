/**
 * The client side of "Verify mTLS chain": asks the server for the report of the vhost at the
 * cursor (or the CodeLens's vhost) and shows the page it returns in one webview panel, reused
 * across runs. The page asks for two things: `open` (reveal a directive, 0-based line) and
 * `live` (re-run with live TLS handshakes; refused in an untrusted workspace).
 */
import {
  ProgressLocation,
  Selection,
  TextEditorRevealType,
  Uri,
  ViewColumn,
  window,
  workspace,
  type WebviewPanel,
} from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

const SERVER_COMMAND = 'httpdMtls.server.verifyChain';
const TITLE = 'Verify mTLS chain';
/** The webview tab's title (the e2e test looks for it). */
export const PANEL_TITLE = 'mTLS chain';

/** Which config and where; `line` is 0-based, absent for every TLS vhost. */
interface Target {
  uri: string;
  line?: number;
}

interface Answer {
  html: string | null;
  message?: string;
}

let panel: WebviewPanel | undefined;
/** What the panel shows now; the live button re-runs it. */
let shown: Target | undefined;

/** The CodeLens argument `{ uri, line, ... }`, else the active editor's document and cursor. */
function targetOf(argument: unknown): Target | null {
  const lens = argument as { uri?: unknown; line?: unknown } | null | undefined;
  if (typeof lens?.uri === 'string') {
    return typeof lens.line === 'number' ? { uri: lens.uri, line: lens.line } : { uri: lens.uri };
  }
  const editor = window.activeTextEditor;
  if (editor === undefined) return null;
  return { uri: editor.document.uri.toString(), line: editor.selection.active.line };
}

async function ask(client: LanguageClient, target: Target, live: boolean): Promise<Answer> {
  const argument = live ? { ...target, live: true } : target;
  return (await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMAND,
    arguments: [argument],
  })) as Answer;
}

export async function verifyChain(client: LanguageClient, argument?: unknown): Promise<void> {
  const target = targetOf(argument);
  if (target === null) {
    void window.showInformationMessage(`${TITLE}: open an Apache config first.`);
    return;
  }
  await show(client, target, false);
}

async function show(client: LanguageClient, target: Target, live: boolean): Promise<void> {
  const answer = await ask(client, target, live);
  if (answer.html === null) {
    void window.showInformationMessage(`${TITLE}: ${answer.message ?? 'nothing to show'}`);
    return;
  }
  const view = panel ?? createPanel(client);
  shown = target;
  view.webview.html = answer.html;
  view.reveal(undefined, true);
  if (answer.message !== undefined) {
    void window.showInformationMessage(`${TITLE}: ${answer.message}`);
  }
}

function createPanel(client: LanguageClient): WebviewPanel {
  const created = window.createWebviewPanel(
    'httpdMtls.verifyChain',
    PANEL_TITLE,
    { viewColumn: ViewColumn.Beside, preserveFocus: true },
    { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: true },
  );
  created.onDidDispose(() => {
    panel = undefined;
    shown = undefined;
  });
  created.webview.onDidReceiveMessage((message: unknown) => {
    onMessage(client, message).catch((error: unknown) => {
      void window.showErrorMessage(`${TITLE} failed: ${String(error)}`);
    });
  });
  panel = created;
  return created;
}

async function onMessage(client: LanguageClient, message: unknown): Promise<void> {
  const { command, file, line } = (message ?? {}) as Record<string, unknown>;
  if (command === 'open' && typeof file === 'string' && typeof line === 'number') {
    await reveal(file, Math.max(0, Math.trunc(line)));
  } else if (command === 'live' && shown !== undefined) {
    if (!workspace.isTrusted) {
      void window.showWarningMessage(
        `${TITLE}: live handshakes connect to the hosts the config names; ` +
          'trust this workspace first.',
      );
      return;
    }
    const target = shown;
    await window.withProgress(
      { location: ProgressLocation.Notification, title: `${TITLE}: live handshakes` },
      () => show(client, target, true),
    );
  }
}

/** Opens `file` in the first column with the cursor on the 0-based `line`. */
async function reveal(file: string, line: number): Promise<void> {
  const editor = await window.showTextDocument(Uri.file(file), { viewColumn: ViewColumn.One });
  const position = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
  editor.selection = new Selection(position.start, position.start);
  editor.revealRange(position, TextEditorRevealType.InCenterIfOutsideViewport);
}
