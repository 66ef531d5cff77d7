import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../server/src/config/loader';
import type { ConfigNode, LoadOptions, SectionNode } from '../../server/src/config/types';
import { range } from '../../server/src/findings';

const FIXTURES = path.resolve(__dirname, '../fixtures/config/include-tree');
const MAIN = '/virtual/main.conf';

/** Loads an in-memory main config through the FileSource option. */
function loadText(text: string, options: LoadOptions = {}) {
  const buffers: Record<string, string> = { [MAIN]: text };
  return loadConfig(MAIN, { ...options, files: { readText: (file) => buffers[file] } });
}

/** `Name value...` of every effective node, sections as `<Name>` with their children. */
function outline(nodes: readonly ConfigNode[]): string[] {
  const lines: string[] = [];
  const pending: Array<{ node: ConfigNode; depth: number }> = nodes
    .map((node) => ({ node, depth: 0 }))
    .reverse();
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: ConfigNode; depth: number };
    const words = [node.name, ...node.args.map((word) => word.value)].join(' ');
    lines.push('  '.repeat(depth) + (node.kind === 'section' ? `<${words}>` : words));
    if (node.kind === 'section') {
      for (const child of [...node.children].reverse()) {
        pending.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return lines;
}

describe('config loader: Define and ${VAR}', () => {
  const cases: Array<{ title: string; text: string; options?: LoadOptions; names: string[] }> = [
    { title: 'Define value', text: 'Define D /x\nA ${D}/y', names: ['Define D /x', 'A /x/y'] },
    { title: 'env fallback', text: 'A ${E}', options: { env: { E: 'e' } }, names: ['A e'] },
    {
      title: 'Define wins over env; a valueless Define falls through to env',
      text: 'Define E d\nA ${E}\nDefine F\nB ${F}',
      options: { env: { E: 'e', F: 'f' } },
      names: ['Define E d', 'A d', 'Define F', 'B f'],
    },
    {
      title: 'Define is positional',
      text: 'A ${D}\nDefine D 1\nB ${D}\nUnDefine D\nC ${D}',
      names: ['A ${D}', 'Define D 1', 'B 1', 'UnDefine D', 'C ${D}'],
    },
    {
      title: 'Define inside a section is global',
      text: '<VirtualHost *:1>\nDefine D v\n</VirtualHost>\nA ${D}',
      names: ['<VirtualHost *:1>', '  Define D v', 'A v'],
    },
    {
      title: 'names with a colon are kept silently',
      text: 'RewriteRule ^ ${map:key}',
      names: ['RewriteRule ^ ${map:key}'],
    },
    { title: 'options.defines', text: 'A ${D}', options: { defines: { D: 'o' } }, names: ['A o'] },
    {
      title: 'substituted in names too',
      text: 'Define N SSLEngine\n${N} on',
      names: ['Define N SSLEngine', 'SSLEngine on'],
    },
  ];
  for (const testCase of cases) {
    it(testCase.title, () => {
      assert.deepEqual(outline(loadText(testCase.text, testCase.options).nodes), testCase.names);
    });
  }

  it('reports an undefined variable on the word, once per use', () => {
    const loaded = loadText('A x ${NOPE}/y\nB ${map:k} ${NOPE}');
    assert.deepEqual(
      loaded.findings.map((finding) => [finding.rule, finding.range]),
      [
        ['undefined-variable', range(0, 4, 0, 13)],
        ['undefined-variable', range(1, 11, 1, 18)],
      ],
    );
  });

  it('also reports variables on lines skipped by a false condition, as httpd does', () => {
    const loaded = loadText('<IfDefine NOT>\n  A ${NOPE}\n</IfDefine>');
    assert.deepEqual(loaded.nodes, []);
    assert.deepEqual(
      loaded.findings.map((finding) => finding.range),
      [range(1, 4, 1, 11)],
    );
  });

  it('rejects a Define name with a colon', () => {
    const loaded = loadText('Define a:b 1');
    assert.deepEqual(
      loaded.findings.map((finding) => [finding.rule, finding.range]),
      [['argument', range(0, 7, 0, 10)]],
    );
    assert.equal(loaded.defines.has('a:b'), false);
  });
});

describe('config loader: conditional sections', () => {
  const cases: Array<{ text: string; options?: LoadOptions; names: string[] }> = [
    { text: '<IfModule ssl_module>\nA\n</IfModule>', names: ['A'] },
    { text: '<IfModule mod_ssl.c>\nA\n</IfModule>', names: ['A'] },
    { text: '<IfModule mod_ssl>\nA\n</IfModule>', names: [] },
    { text: '<IfModule mod_ssl.so>\nA\n</IfModule>', names: [] },
    { text: '<IfModule !rewrite_module>\nA\n</IfModule>', names: ['A'] },
    { text: '<IfModule mpm_event_module>\nA\n</IfModule>', names: ['A'] },
    { text: '<IfModule event.c>\nA\n</IfModule>', names: ['A'] },
    { text: '<IfModule core.c>\nA\n</IfModule>', options: { modules: [] }, names: ['A'] },
    { text: '<IfModule ssl_module>\nA\n</IfModule>', options: { modules: [] }, names: [] },
    {
      text: '<IfModule mod_rewrite.c>\nA\n</IfModule>',
      options: { modules: ['rewrite_module'] },
      names: ['A'],
    },
    {
      text:
        '<IfModule ssl_module>\nA\n</IfModule>\nLoadModule ssl_module m/mod_ssl.so\n' +
        '<IfModule mod_ssl.c>\nB\n</IfModule>',
      options: { modules: [] },
      names: ['LoadModule ssl_module m/mod_ssl.so', 'B'],
    },
    { text: '<IfDefine X>\nA\n</IfDefine>\n<IfDefine !X>\nB\n</IfDefine>', names: ['B'] },
    {
      text: 'Define X\n<IfDefine X>\nA\n<IfModule ssl_module>\nB\n</IfModule>\n</IfDefine>',
      names: ['Define X', 'A', 'B'],
    },
    { text: '<IfDefine X>\nA\n</IfDefine>', options: { defines: { X: null } }, names: ['A'] },
    {
      text: '<VirtualHost *:1>\n<IfModule ssl_module>\nSSLEngine on\n</IfModule>\n</VirtualHost>',
      names: ['<VirtualHost *:1>', '  SSLEngine on'],
    },
    { text: '<IfDirective SSLEngine>\nA\n</IfDirective>', names: ['A'] },
    { text: '<IfDirective RewriteRule>\nA\n</IfDirective>', names: [] },
    { text: '<IfSection VirtualHost>\nA\n</IfSection>', names: ['A'] },
    { text: '<IfFile /no/such/file>\nA\n</IfFile>', names: [] },
  ];
  for (const testCase of cases) {
    it(JSON.stringify(testCase.text), () => {
      const loaded = loadText(testCase.text, testCase.options);
      assert.deepEqual(loaded.findings, []);
      assert.deepEqual(outline(loaded.nodes), testCase.names);
    });
  }

  it('flags a false conditional left open at end of file, not a true one', () => {
    const open = '<IfModule nope_module>\nA\n';
    assert.deepEqual(
      loadText(open).findings.map((finding) => [finding.rule, finding.range]),
      [['syntax', range(0, 0, 0, 22)]],
    );
    assert.deepEqual(loadText('<IfModule ssl_module>\nA\n').findings, []);
  });

  it('flags a conditional without an argument', () => {
    const loaded = loadText('<IfModule>\nA\n</IfModule>');
    assert.deepEqual(
      loaded.findings.map((finding) => finding.rule),
      ['syntax'],
    );
  });

  it('keeps the exact ranges and file of spliced children', () => {
    const loaded = loadText('<IfModule ssl_module>\n  SSLEngine on\n</IfModule>');
    assert.deepEqual(loaded.nodes[0].nameRange, range(1, 2, 1, 11));
    assert.equal(loaded.nodes[0].file, MAIN);
  });
});

describe('config loader: ServerRoot', () => {
  it('uses the ServerRoot in force for Include and the last one for serverRoot', () => {
    const loaded = loadConfig(path.join(FIXTURES, 'server-root/main.conf'));
    assert.deepEqual(loaded.findings, []);
    assert.deepEqual(
      outline(loaded.nodes).filter((line) => line.startsWith('From')),
      ['FromA 1'],
    );
    assert.equal(loaded.serverRoot, path.join(FIXTURES, 'server-root/B'));
  });

  it('defaults to options.serverRoot, then /etc/apache2', () => {
    assert.equal(loadText('A').serverRoot, '/etc/apache2');
    assert.equal(loadText('A', { serverRoot: '/opt/h' }).serverRoot, '/opt/h');
    assert.equal(loadText('ServerRoot /x\nServerRoot /y', { serverRoot: '/o' }).serverRoot, '/y');
  });

  it('ignores a ServerRoot inside a false conditional', () => {
    const skipped = loadText('<IfDefine NO>\nServerRoot /x\n</IfDefine>');
    assert.equal(skipped.serverRoot, '/etc/apache2');
  });
});

describe('config loader: Include', () => {
  const mapped = { pathMappings: [{ from: '/srv/httpd', to: path.join(FIXTURES, 'root') }] };

  it('includes directories recursively in byte order, dotfiles and backups too', () => {
    const loaded = loadConfig(path.join(FIXTURES, 'main.conf'), mapped);
    const included = outline(loaded.nodes).filter((line) => line.startsWith('From'));
    assert.deepEqual(included, [
      'FromHidden h',
      'FromA a',
      'FromBackup b',
      'FromSub c',
      'FromSiteX x',
    ]);
    const root = path.join(FIXTURES, 'root');
    assert.deepEqual(loaded.files.slice(1), [
      `${root}/conf.d/.hidden`,
      `${root}/conf.d/a.conf`,
      `${root}/conf.d/b.conf~`,
      `${root}/conf.d/sub/c.conf`,
      `${root}/sites/x.conf`,
    ]);
    // Only the wildcard with no match fails; IncludeOptional is silent.
    assert.deepEqual(
      loaded.findings.map((finding) => [finding.rule, finding.range]),
      [['include-missing', range(5, 8, 5, 20)]],
    );
    assert.equal(loaded.nodes.find((node) => node.name === 'FromA')?.file, `${root}/conf.d/a.conf`);
  });

  it('reports a missing Include file and a missing wildcard directory on the argument', () => {
    const loaded = loadConfig(path.join(FIXTURES, 'missing.conf'), { serverRoot: FIXTURES });
    assert.deepEqual(
      loaded.findings.map((finding) => [finding.rule, finding.range]),
      [
        ['include-missing', range(0, 8, 0, 20)],
        ['include-missing', range(1, 8, 1, 20)],
      ],
    );
  });

  it('stops include cycles with a recursion finding', () => {
    const cycle = path.join(FIXTURES, 'cycle');
    const loaded = loadConfig(path.join(cycle, 'a.conf'), { serverRoot: cycle });
    assert.deepEqual(outline(loaded.nodes), ['InA', 'Include b.conf', 'InB', 'Include a.conf']);
    assert.deepEqual(
      loaded.findings.map((finding) => [finding.rule, finding.file, finding.range]),
      [['include-missing', path.join(cycle, 'b.conf'), range(1, 8, 1, 14)]],
    );
    assert.match(loaded.findings[0].message, /recursion/);
  });

  it('splices included nodes into the section that includes them', () => {
    const loaded = loadConfig(MAIN, {
      serverRoot: '/srv/httpd',
      ...mapped,
      files: {
        readText: (file) =>
          file === MAIN ? '<VirtualHost *:1>\nInclude sites/x.conf\n</VirtualHost>' : undefined,
      },
    });
    const host = loaded.nodes[0] as SectionNode;
    assert.deepEqual(outline(host.children), ['Include sites/x.conf', 'FromSiteX x']);
  });

  it('reads unsaved buffers before disk, and never throws on a missing entry', () => {
    const loaded = loadConfig('/no/such/entry.conf');
    assert.deepEqual(
      loaded.findings.map((finding) => finding.rule),
      ['include-missing'],
    );
    assert.deepEqual(loaded.nodes, []);
  });

  // tmpfs when there is one: writing 10,000 files to a slow disk takes seconds.
  const scratchBase = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const scratch = fs.mkdtempSync(path.join(scratchBase, 'httpd-mtls-config-'));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('handles a glob matching 10,000 files', () => {
    const many = path.join(scratch, 'many');
    fs.mkdirSync(many);
    for (let index = 0; index < 10_000; index++) {
      fs.writeFileSync(path.join(many, `f${String(index).padStart(5, '0')}.conf`), `N ${index}\n`);
    }
    const entry = path.join(scratch, 'main.conf');
    fs.writeFileSync(entry, 'Include many/*.conf\n');
    const loaded = loadConfig(entry, { serverRoot: scratch });
    assert.deepEqual(loaded.findings, []);
    assert.equal(loaded.nodes.length, 10_001);
    assert.equal(loaded.nodes[1].args[0].value, '0');
  });

  it('handles a 50 MB file', () => {
    const big = path.join(scratch, 'big.conf');
    fs.writeFileSync(
      big,
      '# padding padding padding padding padding padding padding\n'.repeat(900_000),
    );
    fs.appendFileSync(big, 'Last 1\n');
    const loaded = loadConfig(big);
    assert.deepEqual(outline(loaded.nodes), ['Last 1']);
  });
});
