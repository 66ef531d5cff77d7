import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver';
import { applySuppressions, suppressedRules } from '../../server/src/features/suppressions';
import { leafFirstEdits, ungluePemEdits } from '../../server/src/features/pem-fix-edits';
import { addMappingEdit, newProjectFileText } from '../../server/src/features/project-file-edits';
import { setDirectiveEdit } from '../../server/src/features/scope-edits';
import { parseConfig } from '../../server/src/config/parser';
import { range, type Finding } from '../../server/src/findings';

function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce(
      (t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)),
      text,
    );
}

const finding = (line: number, rule: Finding['rule']): Finding => ({
  rule,
  file: '/c.conf',
  range: range(line, 4, line, 10),
  message: 'm',
});

test('suppression comment names rules, or all rules when bare', () => {
  const named = suppressedRules('  # httpd-mtls-disable-next-line a b') ?? [];
  assert.deepEqual([...named], ['a', 'b']);
  assert.equal(suppressedRules('# httpd-mtls-disable-next-line')?.size, 0);
  assert.equal(suppressedRules('SSLEngine On'), null);
  const text = [
    'x',
    '# httpd-mtls-disable-next-line verify-depth',
    'y',
    '# httpd-mtls-disable-next-line',
    'z',
    'w',
  ].join('\n');
  const kept = applySuppressions(
    [
      finding(2, 'verify-depth'),
      finding(2, 'cert-expired'),
      finding(4, 'syntax'),
      finding(5, 'syntax'),
    ],
    () => text,
  );
  const left = kept.map((f) => [f.range.start.line, f.rule]);
  assert.deepEqual(left, [
    [2, 'cert-expired'],
    [5, 'syntax'],
  ]);
});

const BLOCK = (label: string, body: string): string =>
  `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

test('unglue inserts one newline at each glue point and nothing else', () => {
  const text = `${BLOCK('CERTIFICATE', 'QUJD')}${BLOCK('CERTIFICATE', 'REVG')}\n`;
  const edits = ungluePemEdits(text);
  assert.equal(edits.length, 1);
  assert.equal(edits[0]?.newText, '\n');
  assert.deepEqual(edits[0]?.range.start, { line: 2, character: 25 });
  const split = `${BLOCK('CERTIFICATE', 'QUJD')}\n${BLOCK('CERTIFICATE', 'REVG')}\n`;
  assert.equal(apply(text, edits), split);
  assert.deepEqual(ungluePemEdits(`${BLOCK('CERTIFICATE', 'QUJD')}\n`), []);
});

test('leaf first moves the block to the front', () => {
  const a = BLOCK('CERTIFICATE', 'QUFB');
  const b = BLOCK('CERTIFICATE', 'QkJC');
  const text = `# chain\n${a}\n${b}\n`;
  assert.equal(apply(text, leafFirstEdits(text, 1)), `# chain\n${b}\n${a}\n`);
  assert.deepEqual(leafFirstEdits(text, 0), []);
  assert.deepEqual(leafFirstEdits(text, 5), []);
});

test('path mapping goes into either form, or a new key, and stays valid JSON', () => {
  const fresh = JSON.parse(newProjectFileText('/etc/httpd/ssl', './ssl')) as unknown;
  assert.deepEqual(fresh, { pathMappings: { '/etc/httpd/ssl': './ssl' } });
  const cases: [string, unknown][] = [
    ['{\n  "pathMappings": { "/a": "./a" }\n}\n', { '/etc/x': './x', '/a': './a' }],
    ['{\n  "pathMappings": {}\n}\n', { '/etc/x': './x' }],
    [
      '{\n  "pathMappings": [{ "from": "/a", "to": "./a" }]\n}\n',
      [
        { from: '/etc/x', to: './x' },
        { from: '/a', to: './a' },
      ],
    ],
    ['{\n  "apacheVersion": "2.4.71"\n}\n', { '/etc/x': './x' }],
    ['{}', { '/etc/x': './x' }],
  ];
  for (const [text, mappings] of cases) {
    const edit = addMappingEdit(text, '/etc/x', './x');
    assert.ok(edit);
    const parsed = JSON.parse(apply(text, [edit])) as { pathMappings: unknown };
    assert.deepEqual(parsed.pathMappings, mappings, text);
  }
  assert.equal(addMappingEdit('[]', '/a', './a'), null);
});

test('set directive: edits the innermost existing one, else inserts before the route', () => {
  const text = [
    '<VirtualHost *:443>',
    '    SSLProxyVerifyDepth 1',
    '    <Location "/">',
    '        ProxyPreserveHost On',
    '        ProxyPass "https://b:1/"',
    '    </Location>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const nodes = parseConfig(text, '/c.conf').nodes;
  const at = range(4, 8, 4, 17);
  const depth = apply(text, [setDirectiveEdit(nodes, text, at, 'SSLProxyVerifyDepth', '3')]);
  assert.equal(depth.split('\n')[1], '    SSLProxyVerifyDepth 3');
  const host = apply(text, [setDirectiveEdit(nodes, text, at, 'ProxyPreserveHost', 'Off')]);
  assert.equal(host.split('\n')[3], '        ProxyPreserveHost Off');
  const engine = apply(text, [setDirectiveEdit(nodes, text, at, 'SSLProxyEngine', 'On')]);
  assert.deepEqual(engine.split('\n').slice(1, 4), [
    '    SSLProxyVerifyDepth 1',
    '    SSLProxyEngine On',
    '    <Location "/">',
  ]);
});
