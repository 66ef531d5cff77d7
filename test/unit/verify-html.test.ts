import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVerifyHtml, escapeHtml } from '../../server/src/features/verify-html';
import type { VerifyReport } from '../../server/src/features/verify-types';

const NONCE = 'dGVzdG5vbmNlMTIzNDU2';

function report(subject: string): VerifyReport {
  return {
    vhost: 'apache.server.name:7771',
    source: { file: '/etc/httpd/conf.d/a "b".conf', line: 1 },
    hops: [
      {
        kind: 'client-to-apache',
        from: 'client',
        to: 'apache.server.name:7771',
        status: 'fail',
        checks: [
          {
            name: 'client accepted',
            status: 'fail',
            detail: `issuer ${subject}`,
            rule: 'verify-depth',
            fix: 'Raise SSLVerifyDepth.',
            source: { file: '/etc/httpd/conf.d/x.conf', line: 11 },
          },
        ],
        certificates: [
          {
            role: 'known client',
            subject,
            issuer: 'CN=Root',
            notAfter: '2030-01-01T00:00:00.000Z',
            dnsNames: [],
            extKeyUsage: null,
            file: '/c.pem',
          },
        ],
      },
      {
        kind: 'apache-identity',
        from: 'apache.server.name:7771',
        to: 'client',
        status: 'pass',
        checks: [{ name: 'server certificate', status: 'pass', detail: 'ok' }],
        certificates: [],
      },
      {
        kind: 'apache-to-backend',
        from: 'apache.server.name:7771',
        to: 'gunicorn.app.server:6662',
        url: 'https://gunicorn.app.server:6662/',
        status: 'unknown',
        checks: [{ name: 'backend accepts', status: 'unknown', detail: 'backend unknown' }],
        certificates: [],
        live: { status: 'fail', detail: 'rejected', endpoint: '127.0.0.1:1', disagrees: true },
      },
    ],
  };
}

test('strict CSP with the nonce on style and script; nothing loaded from anywhere', () => {
  const html = renderVerifyHtml([report('CN=a')], { nonce: NONCE });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.equal(csp, `default-src 'none'; style-src 'nonce-${NONCE}'; script-src 'nonce-${NONCE}';`);
  assert.equal((html.match(/<style/g) ?? []).length, 1);
  assert.match(html, new RegExp(`<style nonce="${NONCE}">`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.match(html, new RegExp(`<script nonce="${NONCE}">`));
  assert.doesNotMatch(html, /\b(src|href)="(?!#)/);
  assert.doesNotMatch(html, /url\(/);
  assert.doesNotMatch(html, / style="/, 'inline style attributes would break the CSP');
  // http(s) URLs only in text content, never in an attribute.
  for (const match of html.matchAll(/https?:\/\//g)) {
    const before = html.slice(0, match.index);
    assert.ok(before.lastIndexOf('>') > before.lastIndexOf('<'), 'URL inside a tag');
  }
  assert.throws(() => renderVerifyHtml([], { nonce: '' }));
});

test('subjects, paths and details are escaped', () => {
  const evil = 'CN=<img src=x onerror=alert(1)>&"\'';
  const html = renderVerifyHtml([report(evil)], { nonce: NONCE });
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes(escapeHtml(evil)));
  assert.ok(html.includes('data-file="/etc/httpd/conf.d/a &quot;b&quot;.conf"'));
});

test('every hop is present with its status, the diagram has an arrow per hop', () => {
  const html = renderVerifyHtml([report('CN=a')], { nonce: NONCE });
  for (const kind of ['client-to-apache', 'apache-identity', 'apache-to-backend']) {
    assert.match(html, new RegExp(`<article class="hop \\w+" data-kind="${kind}">`));
  }
  assert.match(html, /<article class="hop fail" data-kind="client-to-apache">/);
  assert.equal((html.match(/<div class="arrow /g) ?? []).length, 2);
  assert.match(html, /gunicorn\.app\.server:6662/);
  assert.match(html, /data-file="\/etc\/httpd\/conf\.d\/x\.conf" data-line="11"/);
  assert.match(html, /disagrees with the prediction/);
  assert.match(html, /var\(--vscode-foreground\)/);
  assert.doesNotMatch(html, /<[^>]*\bclass="[^"]*"[^>]*\bclass="/, 'one class attribute per tag');
  assert.match(html, /<li class="check fail link" data-file=/);
});

test('no reports: a sentence, still a valid page', () => {
  const html = renderVerifyHtml([], { nonce: NONCE });
  assert.match(html, /No TLS virtual host matches\./);
  assert.match(html, /<\/html>\n$/);
});
