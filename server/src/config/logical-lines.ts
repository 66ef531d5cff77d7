/**
 * Splits a config file into logical lines the way httpd's `ap_cfg_getline` does (Apache 2.4):
 * a physical line ending in a backslash right before its LF (or CRLF) is joined with the next
 * one, the backslash and line break removed and nothing else changed (the next line's leading
 * blanks stay). A backslash on the last line of a file (no LF after it) does not continue.
 * Each logical line keeps a map back to source positions so words on continued lines get
 * their real 0-based line and UTF-16 column.
 */
import type { Position } from '../findings';

/** Where a piece of a logical line came from. */
interface Segment {
  /** Offset in `LogicalLine.text` where this physical line's share starts. */
  offset: number;
  /** 0-based source line. */
  line: number;
  /** 0-based UTF-16 column of that share's first character (always 0 after the first). */
  character: number;
}

export interface LogicalLine {
  /** The joined text, untrimmed, without line terminators or continuation backslashes. */
  text: string;
  segments: Segment[];
}

/** Source position of the character at `offset` (0 <= offset <= text.length). */
export function positionAt(logical: LogicalLine, offset: number): Position {
  const segments = logical.segments;
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (segments[middle].offset <= offset) low = middle;
    else high = middle - 1;
  }
  const segment = segments[low];
  return { line: segment.line, character: segment.character + offset - segment.offset };
}

/**
 * Source position just after the character at `offset - 1`: the end of a word ending at
 * `offset`. Differs from `positionAt` when `offset` is where a continued line starts.
 */
export function endPositionAt(logical: LogicalLine, offset: number): Position {
  if (offset <= 0) return positionAt(logical, 0);
  const last = positionAt(logical, offset - 1);
  return { line: last.line, character: last.character + 1 };
}

/** Splits `source` into logical lines, in order. Linear in the size of the source. */
export function splitLogicalLines(source: string): LogicalLine[] {
  const physical = source.split('\n');
  const result: LogicalLine[] = [];
  let pieces: string[] = [];
  let segments: Segment[] = [];
  let length = 0;

  for (let line = 0; line < physical.length; line++) {
    const hasLineFeed = line < physical.length - 1;
    let content = physical[line];
    if (hasLineFeed && content.endsWith('\r')) content = content.slice(0, -1);
    // httpd measures each line with strlen: a NUL byte ends it (tested with 2.4.71).
    const nul = content.indexOf('\0');
    if (nul >= 0) content = content.slice(0, nul);

    const continues = hasLineFeed && content.endsWith('\\');
    if (continues) content = content.slice(0, -1);

    segments.push({ offset: length, line, character: 0 });
    pieces.push(content);
    length += content.length;

    if (!continues) {
      result.push({ text: pieces.length === 1 ? pieces[0] : pieces.join(''), segments });
      pieces = [];
      segments = [];
      length = 0;
    }
  }
  return result;
}
