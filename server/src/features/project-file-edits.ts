/**
 * Adding a path mapping to `.httpd-mtls.json` as a text edit, keeping the rest of the file
 * as written. Mapping values are relative to the project file (see project-file.ts).
 */
import type { TextEdit } from 'vscode-languageserver';
import type { Position } from '../findings';

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The whole text of a new project file holding one mapping. */
export function newProjectFileText(from: string, to: string): string {
  return `${JSON.stringify({ pathMappings: { [from]: to } }, null, 2)}\n`;
}

function insertAfter(text: string, offset: number, entry: string): TextEdit {
  const rest = text.slice(offset).trimStart();
  const comma = rest.startsWith('}') || rest.startsWith(']') ? '' : ',';
  const at = positionOf(text, offset);
  return { range: { start: at, end: at }, newText: `\n    ${entry}${comma}` };
}

/**
 * The edit adding `from -> to` to an existing project file's text: into `pathMappings` in
 * whichever form it has (object or array of {from, to}), else as a new top-level key.
 * Null when the text has no top-level object to add to.
 */
export function addMappingEdit(text: string, from: string, to: string): TextEdit | null {
  const pair = `${JSON.stringify(from)}: ${JSON.stringify(to)}`;
  const objectForm = /"pathMappings"\s*:\s*\{/.exec(text);
  if (objectForm !== null) return insertAfter(text, objectForm.index + objectForm[0].length, pair);
  const arrayForm = /"pathMappings"\s*:\s*\[/.exec(text);
  if (arrayForm !== null) {
    const item = `{ "from": ${JSON.stringify(from)}, "to": ${JSON.stringify(to)} }`;
    return insertAfter(text, arrayForm.index + arrayForm[0].length, item);
  }
  const open = text.indexOf('{');
  if (open < 0) return null;
  const edit = insertAfter(text, open + 1, `"pathMappings": { ${pair} }`);
  return { ...edit, newText: edit.newText.replace('\n    ', '\n  ') };
}
