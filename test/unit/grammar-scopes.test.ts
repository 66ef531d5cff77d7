// Tokenizes every annotated fixture in test/fixtures/grammar/ with VS Code's own TextMate
// engine and checks the scopes its assertion lines ask for (format: grammar-assertions.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixture, parseFixture } from './grammar-assertions';
import { loadApacheGrammar, repoRoot, type LineToken } from './grammar-engine';

const fixtureDir = path.join(repoRoot, 'test/fixtures/grammar');
const fixtureNames = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.conf'))
  .sort();

describe('grammar scopes at marked columns', () => {
  let tokenize: (text: string) => LineToken[][];
  before(async () => {
    tokenize = await loadApacheGrammar();
  });

  it('has fixtures to check', () => {
    assert.ok(fixtureNames.length >= 5, `only ${fixtureNames.length} fixtures`);
  });

  for (const name of fixtureNames) {
    it(name, () => {
      const fixture = parseFixture(readFileSync(path.join(fixtureDir, name), 'utf8'));
      assert.ok(fixture.assertions.length > 0, 'a fixture with no assertions checks nothing');
      const failures = checkFixture(fixture, tokenize(fixture.source));
      assert.deepEqual(failures, []);
    });
  }

  it('reports a wrong expectation, a forbidden scope and a mark past the line end', () => {
    const fixture = parseFixture(
      [
        'SSLEngine On',
        '#         ^^ constant.numeric.apacheconf',
        '#         ^ - constant.language.boolean.apacheconf',
        '#             ^ meta.directive.apacheconf',
        '# <- meta.directive.apacheconf',
      ].join('\n'),
    );
    const failures = checkFixture(fixture, tokenize(fixture.source));
    assert.equal(failures.length, 4, failures.join('\n'));
    assert.match(failures[0], /^fixture line 2, column 10: missing \[constant\.numeric/);
    assert.match(failures[2], /^fixture line 3, column 10: missing \[\], unwanted \[constant/);
    assert.match(failures[3], /^fixture line 4: marks past the end/);
  });
});
