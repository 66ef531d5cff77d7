// Reads and checks grammar fixtures written like vscode-tmgrammar-test's: a source line, then
// assertion lines under it. An assertion line is `#`, blanks, then either carets `^^^` under the
// columns they test or `<-` (one dash per column, from column 0) for columns the `#` hides,
// then the scopes every marked column must have, optionally `-` and scopes it must not have:
//   SSLEngine On
//   #         ^^ constant.language.boolean.apacheconf - string.quoted.double.apacheconf
// Assertion lines are removed before tokenizing, so a source line ending in a backslash
// continues onto the next source line, as it would in the real file.
import type { LineToken } from './grammar-engine';

const ASSERTION = /^#\s*(\^+|<-+)\s+(.*)$/;

export interface Assertion {
  /** 1-based line of the assertion in the fixture file, for messages. */
  fixtureLine: number;
  /** 0-based index of the source line it tests, among source lines only. */
  sourceLine: number;
  /** 0-based columns, end exclusive. */
  start: number;
  end: number;
  present: string[];
  absent: string[];
}

export interface GrammarFixture {
  /** The text to tokenize: the fixture without its assertion lines. */
  source: string;
  assertions: Assertion[];
}

export function parseFixture(text: string): GrammarFixture {
  const sourceLines: string[] = [];
  const assertions: Assertion[] = [];
  text.split('\n').forEach((line, index) => {
    const marker = ASSERTION.exec(line);
    if (marker === null || sourceLines.length === 0) {
      sourceLines.push(line);
      return;
    }
    const [, marks, expected] = marker;
    const words = expected.split(/\s+/).filter(Boolean);
    const dash = words.includes('-') ? words.indexOf('-') : words.length;
    const onColumnZero = marks.startsWith('<');
    assertions.push({
      fixtureLine: index + 1,
      sourceLine: sourceLines.length - 1,
      start: onColumnZero ? 0 : line.indexOf('^'),
      end: onColumnZero ? marks.length - 1 : line.indexOf('^') + marks.length,
      present: words.slice(0, dash),
      absent: words.slice(dash + 1),
    });
  });
  return { source: sourceLines.join('\n'), assertions };
}

/** Every broken assertion as one message; an empty list means the fixture holds. */
export function checkFixture(fixture: GrammarFixture, tokens: LineToken[][]): string[] {
  const failures: string[] = [];
  const lines = fixture.source.split('\n');
  for (const assertion of fixture.assertions) {
    const where = `fixture line ${assertion.fixtureLine}`;
    if (assertion.present.length + assertion.absent.length === 0) {
      failures.push(`${where}: no scopes to check`);
      continue;
    }
    if (assertion.end > lines[assertion.sourceLine].length) {
      const line = JSON.stringify(lines[assertion.sourceLine]);
      failures.push(`${where}: marks past the end of ${line}`);
      continue;
    }
    for (let column = assertion.start; column < assertion.end; column++) {
      const token = tokens[assertion.sourceLine].find(
        (candidate) => candidate.startIndex <= column && column < candidate.endIndex,
      );
      const scopes = token?.scopes ?? [];
      const missing = assertion.present.filter((scope) => !scopes.includes(scope));
      const unwanted = assertion.absent.filter((scope) => scopes.includes(scope));
      if (missing.length + unwanted.length > 0) {
        failures.push(
          `${where}, column ${column}: missing [${missing.join(' ')}], ` +
            `unwanted [${unwanted.join(' ')}], has [${scopes.join(' ')}]`,
        );
      }
    }
  }
  return failures;
}
