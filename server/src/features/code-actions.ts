/**
 * Quick fixes for our diagnostics, keyed on the diagnostic code (rule id) and `data.fix`,
 * never on message text. Every fix is a WorkspaceEdit; PEM fixes only insert or move whole
 * blocks. Each diagnostic also gets a suppression comment action, and a rule with several
 * fixable diagnostics in the file gets a "fix all" action.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { ConfigNode } from '../config/types';
import { DIAGNOSTIC_SOURCE, fileUri } from './diagnostics';
import { commentAboveEdit, setDirectiveEdit } from './scope-edits';
import { leafFirstEdits, ungluePemEdits } from './pem-fix-edits';
import { addMappingEdit, newProjectFileText } from './project-file-edits';
import { SUPPRESS_MARKER } from './suppressions';

export const PROJECT_FILE_NAME = '.httpd-mtls.json';

export interface CodeActionInput {
  uri: string;
  text: string;
  /** The document's own syntax tree (parser view). */
  nodes: readonly ConfigNode[];
  /** Diagnostics the editor sent for the range (only ours are used). */
  diagnostics: readonly Diagnostic[];
  /** All our diagnostics in the document, for "fix all". */
  allDiagnostics: readonly Diagnostic[];
  /** Current text of another file (buffers first); undefined when unreadable. */
  readText: (file: string) => string | undefined;
  /** The project file in force, or where a new one goes (the workspace folder). */
  projectFile: { path: string; exists: boolean };
}

type FixData = Record<string, unknown> & { fix?: unknown };

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Edits for one diagnostic in its own document; null when it has no such fix. */
function documentEdits(
  input: CodeActionInput,
  d: Diagnostic,
): { title: string; edits: TextEdit[] } | null {
  const data = (d.data ?? {}) as FixData;
  if (data.fix === 'set-depth' && typeof data.depth === 'number') {
    const directive = str(data.directive) ?? 'SSLVerifyDepth';
    return {
      title: `Set ${directive} ${data.depth}`,
      edits: [setDirectiveEdit(input.nodes, input.text, d.range, directive, String(data.depth))],
    };
  }
  if (data.fix === 'add-proxy-engine' || d.code === 'proxy-engine-missing') {
    return {
      title: 'Add SSLProxyEngine On to this virtual host',
      edits: [setDirectiveEdit(input.nodes, input.text, d.range, 'SSLProxyEngine', 'On')],
    };
  }
  if (data.fix === 'peer-name') {
    return {
      title: 'Turn ProxyPreserveHost Off (check the backend name, not the client Host)',
      edits: [setDirectiveEdit(input.nodes, input.text, d.range, 'ProxyPreserveHost', 'Off')],
    };
  }
  return null;
}

function pemFileAction(input: CodeActionInput, d: Diagnostic): CodeAction | null {
  const data = (d.data ?? {}) as FixData;
  const localPath = str(data.localPath);
  if (data.fix === 'unglue-pem' && localPath !== null) {
    const text = input.readText(localPath);
    const edits = text === undefined ? [] : ungluePemEdits(text);
    if (edits.length === 0) return null;
    return quickFix(`Put each PEM block of ${path.basename(localPath)} on its own lines`, d, {
      changes: { [fileUri(localPath)]: edits },
    });
  }
  if (data.fix === 'reorder-chain' && typeof data.leafIndex === 'number') {
    const file = localPath ?? chainFileOf(input, d);
    const text = file === null ? undefined : input.readText(file);
    const edits = file === null || text === undefined ? [] : leafFirstEdits(text, data.leafIndex);
    if (file === null || edits.length === 0) return null;
    return quickFix(`Move the server certificate first in ${path.basename(file)}`, d, {
      changes: { [fileUri(file)]: edits },
    });
  }
  return null;
}

/** The local file a finding on a path argument names (the related location's file). */
function chainFileOf(_input: CodeActionInput, d: Diagnostic): string | null {
  const related = d.relatedInformation?.[0]?.location.uri;
  return related === undefined || !related.startsWith('file:') ? null : fileURLToPath(related);
}

function mappingAction(input: CodeActionInput, d: Diagnostic): CodeAction | null {
  const data = (d.data ?? {}) as FixData;
  const folder = str(data.folder);
  if (data.fix !== 'add-path-mapping' || folder === null) return null;
  const target = `./${path.posix.basename(folder) || 'root'}`;
  const uri = fileUri(input.projectFile.path);
  const title = `Map ${folder} to ${target} in ${PROJECT_FILE_NAME}`;
  if (!input.projectFile.exists) {
    const start = { line: 0, character: 0 };
    return quickFix(title, d, {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: true } },
        {
          textDocument: { uri, version: null },
          edits: [{ range: { start, end: start }, newText: newProjectFileText(folder, target) }],
        },
      ],
    });
  }
  const text = input.readText(input.projectFile.path);
  const edit = text === undefined ? null : addMappingEdit(text, folder, target);
  return edit === null ? null : quickFix(title, d, { changes: { [uri]: [edit] } });
}

function quickFix(title: string, d: Diagnostic, edit: WorkspaceEdit): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit };
}

function suppressAction(input: CodeActionInput, d: Diagnostic): CodeAction {
  const rule = String(d.code);
  const edit = commentAboveEdit(input.text, d.range.start.line, `${SUPPRESS_MARKER} ${rule}`);
  return {
    title: `Ignore ${rule} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [input.uri]: [edit] } },
  };
}

function fixAllAction(input: CodeActionInput, rule: string): CodeAction | null {
  const same = input.allDiagnostics.filter(
    (d) => d.source === DIAGNOSTIC_SOURCE && d.code === rule,
  );
  const edits = new Map<string, TextEdit>();
  for (const d of same) {
    for (const edit of documentEdits(input, d)?.edits ?? []) edits.set(JSON.stringify(edit), edit);
  }
  if (same.length < 2 || edits.size === 0) return null;
  return {
    title: `Fix all ${rule} in this file`,
    kind: `${CodeActionKind.SourceFixAll}.httpd-mtls`,
    diagnostics: same,
    edit: { changes: { [input.uri]: [...edits.values()] } },
  };
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const ours = input.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  const fixes: CodeAction[] = [];
  const rules = new Set<string>();
  for (const d of ours) {
    const inDocument = documentEdits(input, d);
    if (inDocument !== null) {
      fixes.push(quickFix(inDocument.title, d, { changes: { [input.uri]: inDocument.edits } }));
      rules.add(String(d.code));
    }
    const other = pemFileAction(input, d) ?? mappingAction(input, d);
    if (other !== null) fixes.push(other);
  }
  const fixAll = [...rules].map((rule) => fixAllAction(input, rule)).filter((a) => a !== null);
  return [...fixes, ...fixAll, ...ours.map((d) => suppressAction(input, d))];
}
