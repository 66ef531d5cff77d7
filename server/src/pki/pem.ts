/**
 * PEM block reader with exact ranges and the defects OpenSSL 3.0's `PEM_read_bio` trips on.
 *
 * Lines end at LF; a CR before the LF and trailing spaces or tabs are ignored, as OpenSSL
 * does. A UTF-8 byte order mark is skipped: it counts in byte offsets (3 bytes) but not in
 * LSP characters, because editors drop it from the document text. Text outside blocks (such
 * as pkcs12 `Bag Attributes`) is ignored. One pass over the lines, so linear time.
 */
import type { PemBlock, PemDefect, PemFile } from './types';

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** One line of the file without its terminator. */
interface Line {
  /** 0-based line number. */
  number: number;
  text: string;
  /** Byte offset of the line's first character in the file. */
  byteStart: number;
}

/** A block while its lines are being read. */
interface OpenBlock {
  label: string;
  beginLine: Line;
  /** UTF-16 index of the BEGIN marker in the line text. */
  beginColumn: number;
  headers: Record<string, string>;
  lastHeader: string | null;
  inHeaders: boolean;
  bodyParts: string[];
  defects: PemDefect[];
}

/** Reads every PEM block of a file. Never throws. */
export function readPem(bytes: Buffer | string, path: string): PemFile {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const hasBom = buffer.subarray(0, 3).equals(UTF8_BOM);
  const content = buffer.subarray(hasBom ? 3 : 0);
  const blocks = readBlocks(splitLines(content.toString('utf8'), hasBom ? 3 : 0));
  const glued = blocks.some((block) => block.defects.includes('glued'));
  return { path, format: fileFormat(buffer, content, blocks), blocks, glued };
}

function fileFormat(buffer: Buffer, content: Buffer, blocks: PemBlock[]): PemFile['format'] {
  if (blocks.length > 0) return 'pem';
  if (buffer.length === 0) return 'empty';
  return content[0] === 0x30 ? 'der' : 'text';
}

function splitLines(text: string, firstByte: number): Line[] {
  const lines: Line[] = [];
  let byteStart = firstByte;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 ? text.length : newline;
    const text_ = text.slice(start, stop);
    lines.push({ number: lines.length, text: text_, byteStart });
    byteStart += Buffer.byteLength(text_, 'utf8') + 1;
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/** Strips the CR of a CRLF ending and trailing blanks, which OpenSSL tolerates. */
function trimEnd(text: string): string {
  return text.trimEnd();
}

function readBlocks(lines: Line[]): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: OpenBlock | null = null;

  const close = (block: OpenBlock, endLine: Line, endColumn: number, extra: PemDefect[]) => {
    blocks.push(finishBlock(block, blocks.length, endLine, endColumn, extra));
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = trimEnd(line.text);
    const beginColumn = text.indexOf(BEGIN);
    const startsBegin = beginColumn >= 0 && text.slice(0, beginColumn).trim() === '';

    if (open === null) {
      // OpenSSL only sees a BEGIN in column 0; an indented one is kept to be reported.
      if (startsBegin) {
        open = startBlock(line, text, beginColumn, beginColumn > 0 ? 'indented' : null);
      }
      continue;
    }

    const trimmed = text.trimStart();
    if (trimmed.startsWith(END)) {
      const column = text.length - trimmed.length;
      const markerEnd = text.indexOf(DASHES, column + END.length);
      const label = markerEnd >= 0 ? text.slice(column + END.length, markerEnd) : '';
      const endColumn = markerEnd >= 0 ? markerEnd + DASHES.length : text.length;
      const rest = text.slice(endColumn);
      const gluedAt = rest.indexOf(BEGIN);
      // OpenSSL wants exactly `-----END <BEGIN label>-----` (else PEM_R_BAD_END_LINE).
      const badEnd = label !== open.label || (gluedAt < 0 && rest.trim() !== '');
      const extra: PemDefect[] = badEnd ? ['label-mismatch'] : [];
      // OpenSSL looks for END in column 0 too, unless the whole block is indented (unseen).
      if (column > 0 && !open.defects.includes('indented')) extra.push('indented-end');
      if (gluedAt >= 0) {
        close(open, line, endColumn, [...extra, 'glued']);
        open = startBlock(line, text, endColumn + gluedAt, 'glued');
      } else {
        close(open, line, endColumn, extra);
        open = null;
      }
      continue;
    }

    if (startsBegin && beginColumn === 0) {
      // A new column-0 BEGIN inside a block: the previous block never ended.
      const previous = lines[i - 1]!;
      close(open, previous, trimEnd(previous.text).length, ['unterminated']);
      open = startBlock(line, text, beginColumn, null);
      continue;
    }
    addBodyLine(open, text);
  }

  if (open !== null) {
    const last = lines[lines.length - 1]!;
    close(open, last, trimEnd(last.text).length, ['unterminated']);
  }
  return blocks;
}

function startBlock(
  line: Line,
  text: string,
  beginColumn: number,
  defect: PemDefect | null,
): OpenBlock {
  const labelStart = beginColumn + BEGIN.length;
  const labelEnd = text.indexOf(DASHES, labelStart);
  const label = labelEnd >= 0 ? text.slice(labelStart, labelEnd) : text.slice(labelStart);
  return {
    label,
    beginLine: line,
    beginColumn,
    headers: {},
    lastHeader: null,
    inHeaders: true,
    bodyParts: [],
    defects: defect === null ? [] : [defect],
  };
}

/** RFC 1421 headers come first (`Name: value`, continuation lines start with a blank). */
function addBodyLine(block: OpenBlock, text: string): void {
  if (block.inHeaders) {
    const colon = text.indexOf(':');
    if (colon > 0 && !/\s/.test(text[0] ?? '')) {
      const name = text.slice(0, colon).trim();
      block.headers[name] = text.slice(colon + 1).trim();
      block.lastHeader = name;
      return;
    }
    if (block.lastHeader !== null && /^[ \t]/.test(text) && text.trim() !== '') {
      block.headers[block.lastHeader] += text.trim();
      return;
    }
    block.inHeaders = false;
    if (text.trim() === '') return;
  }
  block.bodyParts.push(text.replace(/\s+/g, ''));
}

function finishBlock(
  block: OpenBlock,
  index: number,
  endLine: Line,
  endColumn: number,
  extra: PemDefect[],
): PemBlock {
  const body = block.bodyParts.join('');
  const der = decodeBase64(body);
  const defects = [...block.defects, ...extra];
  if (der === null) defects.push('bad-base64');
  const begin = block.beginLine;
  return {
    label: block.label,
    index,
    range: {
      start: { line: begin.number, character: block.beginColumn },
      end: { line: endLine.number, character: endColumn },
    },
    offset: {
      start: begin.byteStart + Buffer.byteLength(begin.text.slice(0, block.beginColumn), 'utf8'),
      end: endLine.byteStart + Buffer.byteLength(endLine.text.slice(0, endColumn), 'utf8'),
    },
    headers: block.headers,
    der,
    defects,
  };
}

/** Decodes a whitespace-free base64 body; null when it is not well-formed base64. */
function decodeBase64(body: string): Uint8Array | null {
  if (body.length % 4 !== 0 || !BASE64_BODY.test(body)) return null;
  return new Uint8Array(Buffer.from(body, 'base64'));
}
