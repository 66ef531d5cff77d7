// Static checks on syntaxes/apacheconf.tmLanguage.json: valid JSON that the manifest points
// at, only known rule keys, includes that resolve, no unreachable repository rule, regexes
// that compile, every scope under .apacheconf, and every scope the grammar can produce
// asserted by at least one fixture in test/fixtures/grammar/.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFixture } from './grammar-assertions';
import { grammarPath, repoRoot, SCOPE_NAME } from './grammar-engine';

interface Rule {
  [key: string]: unknown;
}

const RULE_KEYS = new Set([
  'comment',
  'name',
  'contentName',
  'match',
  'begin',
  'end',
  'while',
  'patterns',
  'include',
  'captures',
  'beginCaptures',
  'endCaptures',
  'whileCaptures',
  'applyEndPatternLast',
]);
const CAPTURE_MAPS = ['captures', 'beginCaptures', 'endCaptures', 'whileCaptures'];
const REGEX_KEYS = ['match', 'begin', 'end', 'while'];

const grammarText = readFileSync(grammarPath, 'utf8');
const grammar = JSON.parse(grammarText) as {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
};

/**
 * Why `pattern` would not compile, or null. vscode-oniguruma 1.7 does not throw on a bad
 * pattern (it silently keeps a dud), so this compiles with JS RegExp after mapping the few
 * Oniguruma-only forms the grammar uses: \\G (anchor at the previous match end), a leading
 * (?i) and (?i:...) groups. JS without the u flag accepts a superset of what matters here.
 */
function regexProblem(pattern: string): string | null {
  const caseless = pattern.startsWith('(?i)');
  const mapped = (caseless ? pattern.slice(4) : pattern)
    .replace(/(?<!\\)((?:\\\\)*)\\G/g, '$1')
    .replace(/\(\?i:/g, '(?:');
  try {
    new RegExp(mapped, caseless ? 'i' : '');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Every rule object with a readable path, top-level patterns and repository entries first. */
function allRules(): { where: string; rule: Rule }[] {
  const found: { where: string; rule: Rule }[] = [];
  const visit = (rule: Rule, where: string): void => {
    found.push({ where, rule });
    (rule.patterns as Rule[] | undefined)?.forEach((child, index) =>
      visit(child, `${where}.patterns[${index}]`),
    );
    for (const key of CAPTURE_MAPS) {
      const captures = rule[key] as Record<string, Rule> | undefined;
      for (const [group, capture] of Object.entries(captures ?? {})) {
        visit(capture, `${where}.${key}[${group}]`);
      }
    }
  };
  grammar.patterns.forEach((rule, index) => visit(rule, `patterns[${index}]`));
  for (const [name, rule] of Object.entries(grammar.repository)) visit(rule, `#${name}`);
  return found;
}

/** Repository names reachable from the top-level patterns through includes. */
function reachableRepositoryNames(): Set<string> {
  const reached = new Set<string>();
  const visit = (rule: Rule): void => {
    const include = rule.include as string | undefined;
    if (include?.startsWith('#') && !reached.has(include.slice(1))) {
      reached.add(include.slice(1));
      const target = grammar.repository[include.slice(1)];
      if (target !== undefined) visit(target);
    }
    (rule.patterns as Rule[] | undefined)?.forEach(visit);
    for (const key of CAPTURE_MAPS) {
      Object.values((rule[key] as Record<string, Rule> | undefined) ?? {}).forEach(visit);
    }
  };
  grammar.patterns.forEach(visit);
  return reached;
}

describe('grammar structure', () => {
  it('is the grammar the manifest contributes for apacheconf', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[] };
    };
    const contributed = manifest.contributes.grammars.find((g) => g.language === 'apacheconf');
    assert.ok(contributed, 'package.json contributes no apacheconf grammar');
    assert.equal(path.resolve(repoRoot, contributed.path), grammarPath);
    assert.equal(contributed.scopeName, SCOPE_NAME);
    assert.equal(grammar.scopeName, SCOPE_NAME);
  });

  it('uses only rule keys TextMate knows, in a valid shape', () => {
    const problems: string[] = [];
    for (const { where, rule } of allRules()) {
      const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
      if (unknown.length > 0) problems.push(`${where}: unknown keys ${unknown.join(', ')}`);
      if ('begin' in rule !== ('end' in rule || 'while' in rule)) {
        problems.push(`${where}: begin without end, or end without begin`);
      }
      if ('match' in rule && 'begin' in rule) problems.push(`${where}: both match and begin`);
      for (const key of CAPTURE_MAPS) {
        const groups = Object.keys((rule[key] as object | undefined) ?? {});
        if (groups.some((group) => !/^[0-9]+$/.test(group))) {
          problems.push(`${where}.${key}: capture keys must be group numbers`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('resolves every include and reaches every repository rule', () => {
    const includes = allRules()
      .map(({ rule }) => rule.include as string | undefined)
      .filter((include): include is string => include !== undefined);
    const dangling = includes.filter(
      (include) => !(include.startsWith('#') && include.slice(1) in grammar.repository),
    );
    assert.deepEqual(dangling, []);
    const reached = reachableRepositoryNames();
    const unreachable = Object.keys(grammar.repository).filter((name) => !reached.has(name));
    assert.deepEqual(unreachable, []);
  });

  it('has only regexes that compile', () => {
    const rejected: string[] = [];
    for (const { where, rule } of allRules()) {
      for (const key of REGEX_KEYS) {
        if (typeof rule[key] !== 'string') continue;
        const problem = regexProblem(rule[key] as string);
        if (problem !== null) rejected.push(`${where}.${key}: ${problem}`);
      }
    }
    assert.deepEqual(rejected, []);
    assert.notEqual(regexProblem('(?i:unclosed'), null, 'the compile check must be able to fail');
  });

  it('names every scope under .apacheconf, and each is asserted by some fixture', () => {
    const scopes = new Set<string>();
    for (const { rule } of allRules()) {
      for (const key of ['name', 'contentName']) {
        const value = rule[key];
        if (typeof value === 'string') value.split(/\s+/).forEach((scope) => scopes.add(scope));
      }
    }
    assert.deepEqual(
      [...scopes].filter((scope) => !scope.endsWith('.apacheconf')),
      [],
    );

    const fixtureDir = path.join(repoRoot, 'test/fixtures/grammar');
    const asserted = new Set<string>();
    for (const name of readdirSync(fixtureDir).filter((file) => file.endsWith('.conf'))) {
      const fixture = parseFixture(readFileSync(path.join(fixtureDir, name), 'utf8'));
      fixture.assertions.forEach((assertion) => assertion.present.forEach((s) => asserted.add(s)));
    }
    assert.deepEqual([...scopes].filter((scope) => !asserted.has(scope)).sort(), []);
  });
});
