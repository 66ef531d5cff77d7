/**
 * The Verify mTLS chain webview as one HTML string (a pure function). Theme aware through VS
 * Code's CSS variables, no remote resources, a strict CSP with a per-render nonce. Clicking a
 * check or a hop's directive posts `{ command: 'open', file, line }` (0-based line) to the
 * extension, which reveals the directive.
 */
import type {
  CertSummary,
  HopStatus,
  SourceLink,
  VerifyCheck,
  VerifyHop,
  VerifyReport,
} from './verify-types';

export interface HtmlOptions {
  /** Random per render (base64 or hex); used in the CSP and on the style and script tags. */
  nonce: string;
  title?: string;
  /** Adds a "Run live handshakes" button that posts `{ command: 'live' }` (editor only). */
  liveButton?: boolean;
}

const MARK: Record<HopStatus | 'skipped', string> = {
  pass: '\u2714',
  fail: '\u2718',
  unknown: '?',
  skipped: '\u2013',
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderVerifyHtml(reports: VerifyReport[], options: HtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{8,}$/.test(options.nonce)) throw new Error('nonce must be random text');
  const nonce = escapeHtml(options.nonce);
  const title = escapeHtml(options.title ?? 'Verify mTLS chain');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const body =
    reports.length === 0
      ? '<p class="empty">No TLS virtual host matches.</p>'
      : reports.map(renderReport).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
${options.liveButton === true ? LIVE_BUTTON : ''}
${body}
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function renderReport(report: VerifyReport): string {
  return `<section class="vhost">
<h2>${escapeHtml(report.vhost)}${linkAttrs(report.source, ' ')}</h2>
${renderDiagram(report)}
${report.hops.map(renderHop).join('\n')}
</section>`;
}

/** Boxes and arrows: client -> vhost -> each backend, each arrow marked with its hop status. */
function renderDiagram(report: VerifyReport): string {
  const client = report.hops.find((h) => h.kind === 'client-to-apache');
  const identity = report.hops.find((h) => h.kind === 'apache-identity');
  const backends = report.hops.filter((h) => h.kind === 'apache-to-backend');
  const arrow = (hop: VerifyHop | undefined, label: string) =>
    hop
      ? `<div class="arrow ${hop.status}" title="${escapeHtml(label)}">` +
        `<span class="mark">${MARK[hop.status]}</span><span class="line"></span></div>`
      : '<div class="arrow"><span class="line"></span></div>';
  const node = (name: string, sub: string, status?: HopStatus) =>
    `<div class="node ${status ?? ''}"><div class="name">${escapeHtml(name)}</div>` +
    `<div class="sub">${escapeHtml(sub)}${status ? ` ${MARK[status]}` : ''}</div></div>`;
  const backendColumn = backends
    .map((hop) => `<div class="row">${arrow(hop, 'to backend')}${node(hop.to, 'backend')}</div>`)
    .join('');
  return `<div class="diagram" role="img" aria-label="client to Apache to backend">
${node('client', 'presents a client certificate')}
${arrow(client, 'client to Apache')}
${node(report.vhost, 'Apache (server identity)', identity?.status)}
<div class="backends">${backendColumn || NO_BACKEND}</div>
</div>`;
}

const LIVE_BUTTON =
  '<p><button class="action" data-command="live">Run live handshakes</button></p>';

const NO_BACKEND = '<div class="row"><div class="sub">no https backend</div></div>';

function renderHop(hop: VerifyHop): string {
  const url = hop.url ? ` (${hop.url})` : '';
  const heading = `${MARK[hop.status]} ${hop.from} \u2192 ${hop.to}${url}`;
  const certs = hop.certificates.length
    ? `<div class="certs">${hop.certificates.map(renderCert).join('')}</div>`
    : '';
  const live = hop.live
    ? `<p class="live ${hop.live.status}${hop.live.disagrees ? ' disagrees' : ''}">` +
      `Live via ${escapeHtml(hop.live.endpoint)}: ${MARK[hop.live.status]} ` +
      `${escapeHtml(hop.live.detail)}` +
      `${hop.live.disagrees ? ' <strong>(disagrees with the prediction)</strong>' : ''}</p>`
    : '';
  return `<article class="hop ${hop.status}" data-kind="${hop.kind}">
<h3>${escapeHtml(heading)}</h3>
<ul class="checks">${hop.checks.map(renderCheck).join('')}</ul>
${live}
${certs}
</article>`;
}

function renderCheck(check: VerifyCheck): string {
  const rule = check.rule ? ` <code>${escapeHtml(check.rule)}</code>` : '';
  const fix = check.fix ? `<div class="fix">Fix: ${escapeHtml(check.fix)}</div>` : '';
  const link = check.source ? ` link"${dataAttrs(check.source)}` : '"';
  return (
    `<li class="check ${check.status}${link}>` +
    `<span class="mark">${MARK[check.status]}</span> <b>${escapeHtml(check.name)}</b>${rule}` +
    `<div class="detail">${escapeHtml(check.detail)}</div>${fix}</li>`
  );
}

function renderCert(cert: CertSummary): string {
  return (
    `<div class="cert"><div class="role">${escapeHtml(cert.role)}</div>` +
    `<div>${escapeHtml(cert.subject)}</div>` +
    `<div class="sub">issuer ${escapeHtml(cert.issuer)}</div>` +
    `<div class="sub">SAN ${escapeHtml(cert.dnsNames.join(', ') || 'none')}; ` +
    `until ${escapeHtml(cert.notAfter.slice(0, 10))}</div></div>`
  );
}

/** The data attributes the script turns into an `open` message. */
function dataAttrs(source: SourceLink): string {
  return ` data-file="${escapeHtml(source.file)}" data-line="${source.line}"`;
}

/** A `line N` link after a heading; empty when there is no source. */
function linkAttrs(source: SourceLink | null | undefined, before = ''): string {
  if (!source) return '';
  return `${before}<a class="link"${dataAttrs(source)} href="#">line ${source.line + 1}</a>`;
}

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
h2 a { font-size: 0.8em; color: var(--vscode-textLink-foreground); }
.diagram { display: flex; align-items: center; gap: 0; margin: 1em 0; flex-wrap: wrap; }
.node { border: 1px solid var(--vscode-panel-border, var(--vscode-foreground)); padding: 6px 10px;
  border-radius: 4px; background: var(--vscode-editorWidget-background); min-width: 9em; }
.node .name { font-weight: bold; } .sub { opacity: 0.8; font-size: 0.9em; }
.arrow { display: flex; flex-direction: column; align-items: center; min-width: 5em; }
.arrow .line { display: block; width: 100%; border-top: 2px solid var(--vscode-foreground); }
.arrow .line::after { content: '\\25B6'; float: right; margin-top: -0.75em; }
.backends { display: flex; flex-direction: column; gap: 6px; }
.row { display: flex; align-items: center; }
.pass > .mark, .arrow.pass .mark, .node.pass .sub { color: var(--vscode-testing-iconPassed); }
.fail > .mark, .arrow.fail .mark, .node.fail .sub { color: var(--vscode-errorForeground); }
.unknown > .mark, .arrow.unknown .mark { color: var(--vscode-editorWarning-foreground); }
.hop { border-left: 3px solid var(--vscode-panel-border, gray); padding-left: 8px; margin: 1em 0; }
.hop.fail { border-left-color: var(--vscode-errorForeground); }
.hop.pass { border-left-color: var(--vscode-testing-iconPassed); }
.checks { list-style: none; padding-left: 0; } .check { margin: 4px 0; }
.check.link { cursor: pointer; } .detail, .fix { margin-left: 1.4em; }
.fix { color: var(--vscode-textLink-foreground); }
.live.disagrees { color: var(--vscode-errorForeground); }
.certs { display: flex; flex-wrap: wrap; gap: 6px; }
.cert { border: 1px dashed var(--vscode-panel-border, gray); padding: 4px 8px; max-width: 40em; }
.cert .role { font-weight: bold; }
button.action { color: var(--vscode-button-foreground); background: var(--vscode-button-background);
  border: none; padding: 4px 12px; cursor: pointer; }
button.action:hover { background: var(--vscode-button-hoverBackground); }
code { font-family: var(--vscode-editor-font-family); }
`;

const SCRIPT = `
(function () {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  document.addEventListener('click', function (event) {
    const action = event.target instanceof Element ? event.target.closest('[data-command]') : null;
    if (action && vscode) {
      vscode.postMessage({ command: action.getAttribute('data-command') });
      return;
    }
    const target = event.target instanceof Element ? event.target.closest('[data-file]') : null;
    if (!target || !vscode) return;
    event.preventDefault();
    vscode.postMessage({ command: 'open', file: target.getAttribute('data-file'),
      line: Number(target.getAttribute('data-line')) });
  });
})();
`;
