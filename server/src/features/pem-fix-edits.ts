/**
 * Text edits on PEM files for quick fixes. They move or split whole blocks by inserting
 * text at block boundaries; they never decode, re-encode or show key bytes.
 */
import type { TextEdit } from 'vscode-languageserver';
import type { Position } from '../findings';
import { readPem } from '../pki/pem';

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** One newline inserted right after every END marker that has a BEGIN glued behind it. */
export function ungluePemEdits(text: string): TextEdit[] {
  const edits: TextEdit[] = [];
  const glue = /-----END [^\n-]*-----(?=[ \t]*-----BEGIN )/g;
  for (let match = glue.exec(text); match !== null; match = glue.exec(text)) {
    const at = positionOf(text, match.index + match[0].length);
    edits.push({ range: { start: at, end: at }, newText: '\n' });
  }
  return edits;
}

/**
 * Moves the block at `leafIndex` (0-based among the file's PEM blocks) in front of the first
 * block: an insert of the block's own text and a delete of its old lines. Empty when the
 * index is out of range or already first.
 */
export function leafFirstEdits(text: string, leafIndex: number): TextEdit[] {
  const blocks = readPem(text, '').blocks;
  const leaf = blocks[leafIndex];
  const first = blocks[0];
  if (leaf === undefined || first === undefined || leafIndex === 0) return [];
  // readPem offsets are bytes; rebuild them on the string through a Buffer.
  const bytes = Buffer.from(text, 'utf8');
  const charOffset = (byte: number): number => bytes.subarray(0, byte).toString('utf8').length;
  const leafStart = charOffset(leaf.offset.start);
  let leafEnd = charOffset(leaf.offset.end);
  if (text[leafEnd] === '\r') leafEnd++;
  if (text[leafEnd] === '\n') leafEnd++;
  const firstStart = charOffset(first.offset.start);
  const leafText = text.slice(leafStart, leafEnd);
  const insertAt = positionOf(text, firstStart);
  return [
    {
      range: { start: insertAt, end: insertAt },
      newText: leafText.endsWith('\n') ? leafText : `${leafText}\n`,
    },
    { range: { start: positionOf(text, leafStart), end: positionOf(text, leafEnd) }, newText: '' },
  ];
}
