// The grammar on every config under examples/: each logical line opens with the scope its
// first character calls for (comment, section tag, closing tag or directive name), and the
// annotated seed fixture still holds the seed config line for line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFixture } from './grammar-assertions';
import { loadApacheGrammar, repoRoot, type LineToken } from './grammar-engine';

const examplesDir = path.join(repoRoot, 'examples');
const seedConfig = path.join(examplesDir, 'seed/conf.d/reverseProxy.conf');
const seedFixture = path.join(repoRoot, 'test/fixtures/grammar/seed-reverse-proxy.conf');

/** The scope the first non-blank character of a logical line must carry, or null if blank. */
function expectedOpeningScope(line: string): string | null {
  const first = line.trimStart()[0];
  if (first === undefined) return null;
  if (first === '#') return 'punctuation.definition.comment.apacheconf';
  if (line.trimStart().startsWith('</')) return 'meta.tag.section.end.apacheconf';
  if (first === '<') return 'entity.name.tag.apacheconf';
  return 'support.function.directive.apacheconf';
}

/** One message per logical line of `text` whose opening token lacks its expected scope. */
function openingProblems(label: string, text: string, tokens: LineToken[][]): string[] {
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (index > 0 && lines[index - 1].endsWith('\\')) return;
    const expected = expectedOpeningScope(line);
    if (expected === null) return;
    const column = line.length - line.trimStart().length + (line.trimStart()[0] === '<' ? 1 : 0);
    const token = tokens[index].find((t) => t.startIndex <= column && column < t.endIndex);
    if (!token?.scopes.includes(expected)) {
      problems.push(`${label}:${index + 1}: no ${expected}`);
    }
  });
  return problems;
}

function configsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.conf'))
    .map((name) => path.join(dir, name))
    .sort();
}

describe('grammar on the example configs', () => {
  let tokenize: (text: string) => LineToken[][];
  before(async () => {
    tokenize = await loadApacheGrammar();
  });

  it('opens every logical line of every example with the right scope', () => {
    const configs = configsUnder(examplesDir);
    assert.ok(configs.includes(seedConfig), 'the seed config is among the examples');
    const problems = configs.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return openingProblems(path.relative(repoRoot, file), text, tokenize(text));
    });
    assert.deepEqual(problems, []);
  });

  it('would notice a line scoped wrongly', () => {
    const text = 'SSLEngine On\n# note';
    const [directive, comment] = tokenize(text);
    assert.deepEqual(openingProblems('t', text, [directive, comment]), []);
    assert.equal(openingProblems('t', text, [comment, directive]).length, 2);
  });

  it('annotates the seed config as it is today', () => {
    const annotated = parseFixture(readFileSync(seedFixture, 'utf8')).source.split('\n');
    const seed = readFileSync(seedConfig, 'utf8').split('\n');
    assert.deepEqual(annotated.slice(1), seed, 'fixture minus its header line = the seed file');
  });
});
