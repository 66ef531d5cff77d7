import { sharedCorpus } from '../support/shared-corpus';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/config/parser';
import type { DirectiveNode, SectionNode } from '../../server/src/config/types';
import { range, type Range } from '../../server/src/findings';

const CORPUS = path.join(sharedCorpus(), 'certbot-apache-conf-files');

function only(text: string): DirectiveNode {
  const parsed = parseConfig(text, 'x.conf');
  assert.deepEqual(parsed.findings, []);
  assert.equal(parsed.nodes.length, 1);
  const node = parsed.nodes[0];
  assert.equal(node.kind, 'directive');
  return node as DirectiveNode;
}

function syntaxRanges(text: string): Range[] {
  const parsed = parseConfig(text, 'x.conf');
  for (const finding of parsed.findings) assert.equal(finding.rule, 'syntax');
  return parsed.findings.map((finding) => finding.range);
}

describe('config parser: words', () => {
  const cases: Array<{ text: string; values: string[]; raws: string[]; ranges: Range[] }> = [
    {
      text: 'SSLEngine on',
      values: ['on'],
      raws: ['on'],
      ranges: [range(0, 10, 0, 12)],
    },
    {
      text: '  \tHeader set X "a b" \'c d\'',
      values: ['set', 'X', 'a b', 'c d'],
      raws: ['set', 'X', '"a b"', "'c d'"],
      ranges: [range(0, 10, 0, 13), range(0, 14, 0, 15), range(0, 16, 0, 21), range(0, 22, 0, 27)],
    },
    {
      text: 'A "x\\"y\\\\z" \'it\\\'s\' a\\\\b a\\nb',
      values: ['x"y\\z', "it's", 'a\\b', 'a\\nb'],
      raws: ['"x\\"y\\\\z"', "'it\\'s'", 'a\\\\b', 'a\\nb'],
      ranges: [range(0, 2, 0, 11), range(0, 12, 0, 19), range(0, 20, 0, 24), range(0, 25, 0, 29)],
    },
    {
      // A closing quote ends the word: httpd splits `"a"b` into two words.
      text: 'A "a"b',
      values: ['a', 'b'],
      raws: ['"a"', 'b'],
      ranges: [range(0, 2, 0, 5), range(0, 5, 0, 6)],
    },
    {
      text: 'A x#y # not a comment',
      values: ['x#y', '#', 'not', 'a', 'comment'],
      raws: ['x#y', '#', 'not', 'a', 'comment'],
      ranges: [
        range(0, 2, 0, 5),
        range(0, 6, 0, 7),
        range(0, 8, 0, 11),
        range(0, 12, 0, 13),
        range(0, 14, 0, 21),
      ],
    },
    {
      // An unterminated quote runs to the end of the line; httpd accepts it.
      text: 'SSLCipherSuite "HIGH !aNULL',
      values: ['HIGH !aNULL'],
      raws: ['"HIGH !aNULL'],
      ranges: [range(0, 15, 0, 27)],
    },
    {
      text: 'Ünïcode 😀x y',
      values: ['y'],
      raws: ['y'],
      ranges: [range(0, 12, 0, 13)],
    },
  ];
  for (const testCase of cases) {
    it(JSON.stringify(testCase.text), () => {
      const node = only(testCase.text);
      assert.deepEqual(
        node.args.map((word) => word.value).slice(-testCase.values.length),
        testCase.values,
      );
      assert.deepEqual(
        node.args.map((word) => word.raw).slice(-testCase.raws.length),
        testCase.raws,
      );
      assert.deepEqual(
        node.args.map((word) => word.range).slice(-testCase.ranges.length),
        testCase.ranges,
      );
    });
  }

  it('gives the name range and the whole directive range', () => {
    const node = only('   ProxyPass /a https://b/\n');
    assert.equal(node.name, 'ProxyPass');
    assert.deepEqual(node.nameRange, range(0, 3, 0, 12));
    assert.deepEqual(node.range, range(0, 3, 0, 26));
  });
});

describe('config parser: lines', () => {
  it('joins continuations and keeps real positions of words on continued lines', () => {
    const node = only('BrowserMatch "MSIE [2-6]" \\\n    nokeepalive ssl-unclean \\\n  x\\\ny\n');
    assert.deepEqual(
      node.args.map((word) => word.value),
      ['MSIE [2-6]', 'nokeepalive', 'ssl-unclean', 'xy'],
    );
    assert.deepEqual(node.args[1].range, range(1, 4, 1, 15));
    assert.deepEqual(node.args[2].range, range(1, 16, 1, 27));
    // A word split by a continuation starts on one line and ends on the next.
    assert.deepEqual(node.args[3].range, range(2, 2, 3, 1));
    assert.deepEqual(node.range, range(0, 0, 3, 1));
  });

  it('treats CRLF line ends like LF, including before a continuation', () => {
    const parsed = parseConfig('A 1\r\nB 2 \\\r\n 3\r\n', 'x.conf');
    assert.deepEqual(parsed.findings, []);
    const [first, second] = parsed.nodes as DirectiveNode[];
    assert.deepEqual(first.args[0].range, range(0, 2, 0, 3));
    assert.equal(first.args[0].value, '1');
    assert.deepEqual(
      second.args.map((word) => word.value),
      ['2', '3'],
    );
    assert.deepEqual(second.args[1].range, range(2, 1, 2, 2));
  });

  it('skips comments only at the start of a logical line; a continued comment swallows', () => {
    const parsed = parseConfig('# c \\\nHidden 1\n  # indented\nShown 2\n', 'x.conf');
    assert.deepEqual(
      parsed.nodes.map((node) => node.name),
      ['Shown'],
    );
  });

  it('does not continue a backslash on the last line or one followed by blanks', () => {
    const parsed = parseConfig('A 1 \\ \nB 2\nC 3\\', 'x.conf');
    assert.deepEqual(
      parsed.nodes.map((node) => node.name),
      ['A', 'B', 'C'],
    );
    assert.equal((parsed.nodes[2] as DirectiveNode).args[0].value, '3\\');
  });
});

describe('config parser: sections', () => {
  it('gives ranges for the name, the open tag, the close tag and the whole section', () => {
    const parsed = parseConfig('<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n', 'x');
    assert.deepEqual(parsed.findings, []);
    const section = parsed.nodes[0] as SectionNode;
    assert.equal(section.name, 'VirtualHost');
    assert.deepEqual(section.nameRange, range(0, 1, 0, 12));
    assert.deepEqual(
      section.args.map((word) => [word.value, word.range]),
      [['*:443', range(0, 13, 0, 18)]],
    );
    assert.deepEqual(section.openRange, range(0, 0, 0, 19));
    assert.deepEqual(section.closeRange, range(2, 0, 2, 14));
    assert.deepEqual(section.range, range(0, 0, 2, 14));
    assert.equal(section.children[0].name, 'SSLEngine');
  });

  it('reads tags case-insensitively, quoted args, args on continued lines', () => {
    const text = '<directory "/var/www"\\\n   >\n<ifmodule>\n</IfModule>\n</DIRECTORY>';
    const parsed = parseConfig(text, 'x');
    assert.deepEqual(parsed.findings, []);
    const section = parsed.nodes[0] as SectionNode;
    assert.equal(section.args[0].value, '/var/www');
    assert.deepEqual(section.openRange, range(0, 0, 1, 4));
    assert.equal((section.children[0] as SectionNode).args.length, 0);
  });

  it('ignores text after a closing tag and after the last > of an opening tag', () => {
    const parsed = parseConfig('<IfModule a>\n<If "x > 1"> # y\n</If> </IfModule>', 'x');
    assert.deepEqual(parsed.findings, []);
    const inner = (parsed.nodes[0] as SectionNode).children[0] as SectionNode;
    assert.deepEqual(
      inner.args.map((word) => word.value),
      ['x > 1'],
    );
    // The trailing </IfModule> is ignored, so the conditional is open at the end of the
    // file, which httpd accepts when the condition holds.
    assert.equal((parsed.nodes[0] as SectionNode).closeRange, null);
  });

  const errors: Array<{ text: string; ranges: Range[] }> = [
    { text: '<VirtualHost *:443\n</VirtualHost>', ranges: [range(0, 0, 0, 18)] },
    { text: '</Directory>', ranges: [range(0, 0, 0, 12)] },
    { text: '<Directory />\n</Location>\n</Directory>', ranges: [range(1, 0, 1, 11)] },
    { text: '<Directory />\n</Directory', ranges: [range(1, 0, 1, 11)] },
    { text: 'A\n  <VirtualHost *:80>\nB', ranges: [range(1, 2, 1, 20)] },
    {
      text: '<VirtualHost *:80>\n<Location />\n</VirtualHost>',
      ranges: [range(2, 0, 2, 14)],
    },
  ];
  for (const testCase of errors) {
    it(`flags ${JSON.stringify(testCase.text)}`, () => {
      assert.deepEqual(syntaxRanges(testCase.text), testCase.ranges);
    });
  }

  it('recovers from a wrong close tag by closing up to the matching section', () => {
    const parsed = parseConfig('<VirtualHost *:80>\n<Location />\n</VirtualHost>\nA', 'x');
    assert.equal(parsed.nodes.length, 2);
    const host = parsed.nodes[0] as SectionNode;
    assert.deepEqual(host.closeRange, range(2, 0, 2, 14));
    assert.equal((host.children[0] as SectionNode).closeRange, null);
  });

  it('does not flag an open conditional, or what is open inside it, at end of file', () => {
    assert.deepEqual(syntaxRanges('<IfModule ssl_module>\n<VirtualHost *:1>\nA'), []);
    assert.deepEqual(syntaxRanges('<VirtualHost *:1>\n<IfDefine X>\nA'), [range(0, 0, 0, 17)]);
  });
});

describe('config parser: robustness', () => {
  it('parses 10,000 nested sections and 100,000 lines without throwing', () => {
    const depth = 10_000;
    const nested = '<Directory /a>\n'.repeat(depth) + '</Directory>\n'.repeat(depth);
    const parsed = parseConfig(nested, 'x');
    assert.deepEqual(parsed.findings, []);
    const unclosed = parseConfig('<Directory /a>\n'.repeat(depth), 'x');
    assert.equal(unclosed.findings.length, depth);

    const lines = 'SSLEngine on\n'.repeat(100_000);
    assert.equal(parseConfig(lines, 'x').nodes.length, 100_000);
    const continued = parseConfig('A' + ' b\\\n'.repeat(100_000) + 'c\n', 'x');
    assert.equal((continued.nodes[0] as DirectiveNode).args.length, 100_000);
  });

  it('never throws on arbitrary text', () => {
    const alphabet = ['<', '>', '/', '"', "'", '\\', '\n', '\r', ' ', '#', 'a', '$', '{', '}'];
    let seed = 7;
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let index = 0; index < 60; index++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        text += alphabet[seed % alphabet.length];
      }
      const parsed = parseConfig(text, 'x');
      for (const finding of parsed.findings) assert.equal(finding.rule, 'syntax');
    }
  });
});

describe('config parser: certbot corpus', () => {
  const passing = path.join(CORPUS, 'passing');
  for (const name of fs.readdirSync(passing).filter((file) => !file.startsWith('README'))) {
    it(`accepts passing/${name}`, () => {
      const file = path.join(passing, name);
      const parsed = parseConfig(fs.readFileSync(file, 'utf8'), file);
      assert.deepEqual(parsed.findings, []);
      assert.ok(parsed.nodes.length > 0 || name.startsWith('comment-'));
    });
  }

  it('reads failing/missing-double-quote-1724.conf as httpd does: the quote runs to EOL', () => {
    // This file is byte-identical to passing/missing-quote-1724.conf; httpd's word reader
    // accepts an unterminated quote, so there is no syntax finding to give.
    const file = path.join(CORPUS, 'failing/missing-double-quote-1724.conf');
    const parsed = parseConfig(fs.readFileSync(file, 'utf8'), file);
    assert.deepEqual(parsed.findings, []);
    const host = parsed.nodes[0] as SectionNode;
    const cipher = host.children.find((node) => node.name === 'SSLCipherSuite') as DirectiveNode;
    assert.equal(cipher.args.length, 1);
    assert.equal(cipher.args[0].quoted, true);
    assert.ok(cipher.args[0].value.endsWith('EECDH+aRS$'));
    assert.equal(host.children.at(-1)?.name, 'Directory');
  });
});

describe('NUL bytes', () => {
  it('end the line, as httpd reads it with strlen', () => {
    const parsed = parseConfig('ServerName a\0 b c d\nSSLCertificateFile /x\0y\n', '/t.conf');
    const directives = parsed.nodes.filter((n): n is DirectiveNode => n.kind === 'directive');
    assert.deepEqual(
      directives.map((d) => [d.name, d.args.map((a) => a.value)]),
      [
        ['ServerName', ['a']],
        ['SSLCertificateFile', ['/x']],
      ],
    );
  });
});
