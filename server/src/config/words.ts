/**
 * Word splitting as httpd's `ap_getword_conf` (Apache 2.4, server/util.c):
 * - blanks (C `isspace`: space, tab, CR, LF, VT, FF) separate words;
 * - a word starting with `"` or `'` runs to the matching quote; inside it `\\` and a
 *   backslash before that quote are escapes; a missing closing quote is not an error, the
 *   word simply runs to the end of the line; the word ends right after the closing quote,
 *   so `"a"b` is two words;
 * - an unquoted word runs to the next blank; `\\` in it becomes one backslash.
 */

/** One word of a logical line. Offsets index `LogicalLine.text`; `end` is exclusive. */
export interface RawWord {
  start: number;
  end: number;
  value: string;
  quoted: boolean;
}

export function isBlank(char: string): boolean {
  return (
    char === ' ' ||
    char === '\t' ||
    char === '\r' ||
    char === '\n' ||
    char === '\v' ||
    char === '\f'
  );
}

function unescape(text: string, quote: string | null): string {
  if (!text.includes('\\')) return text;
  let value = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    const next = text[index + 1];
    if (char === '\\' && (next === '\\' || (quote !== null && next === quote))) {
      value += next;
      index++;
    } else {
      value += char;
    }
  }
  return value;
}

/** The word starting at or after `from`, reading no further than `limit`; null if none. */
export function readWord(text: string, from: number, limit: number): RawWord | null {
  let start = from;
  while (start < limit && isBlank(text[start])) start++;
  if (start >= limit) return null;

  const quote = text[start];
  if (quote === '"' || quote === "'") {
    let cursor = start + 1;
    while (cursor < limit && text[cursor] !== quote) {
      const next = text[cursor + 1];
      const escapes = cursor + 1 < limit && (next === quote || next === '\\');
      cursor += text[cursor] === '\\' && escapes ? 2 : 1;
    }
    const value = unescape(text.slice(start + 1, Math.min(cursor, limit)), quote);
    const end = cursor < limit ? cursor + 1 : limit;
    return { start, end, value, quoted: true };
  }

  let end = start;
  while (end < limit && !isBlank(text[end])) end++;
  return { start, end, value: unescape(text.slice(start, end), null), quoted: false };
}

/** Every word of `text` between `from` and `limit`, in order. */
export function readWords(text: string, from: number, limit: number): RawWord[] {
  const words: RawWord[] = [];
  let cursor = from;
  for (;;) {
    const word = readWord(text, cursor, limit);
    if (word === null) return words;
    words.push(word);
    cursor = word.end;
  }
}
