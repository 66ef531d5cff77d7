/**
 * `argument` checks, as httpd 2.4's `invoke_cmd` (word counts by `cmd_how`, FLAG On/Off) and
 * mod_ssl's value parsers do them at config read time (apache-semantics.md §0.6-0.7, §2).
 * Severity error: httpd refuses to start. Severity warning: httpd accepts the value but
 * reads it differently from what it says (SSLVerifyDepth `abc` is atoi 0).
 */
import type { DirectiveInfo } from '../config/directives';
import { cAtoi } from '../config/atoi';
import type { DirectiveNode } from '../config/types';
import type { Finding } from '../findings';
import { atArgument, atDirective } from './finding-helpers';

/** [min, max] word counts per shape; max null = unbounded. `raw` takes the rest of the line. */
const WORD_COUNTS: Record<DirectiveInfo['args'], readonly [number, number | null, string]> = {
  none: [0, 0, 'takes no arguments'],
  // invoke_cmd reads a FLAG's first word only: `ProxyPreserveHost Off # note` is Off.
  flag: [1, null, 'must be On or Off'],
  take1: [1, 1, 'takes one argument'],
  take2: [2, 2, 'takes two arguments'],
  take3: [3, 3, 'takes three arguments'],
  take12: [1, 2, 'takes 1-2 arguments'],
  take13: [1, 3, 'takes one or three arguments'],
  take23: [2, 3, 'takes two or three arguments'],
  take123: [1, 3, 'takes one, two or three arguments'],
  iterate: [1, null, 'requires at least one argument'],
  iterate2: [2, null, 'requires at least two arguments'],
  raw: [0, null, ''],
};

const VERIFY_MODES = new Set(['none', 'optional', 'require', 'optional_no_ca']);
const PROTOCOLS = new Set(['all', 'sslv3', 'tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3']);

export function argumentFindings(node: DirectiveNode, info: DirectiveInfo): Finding[] {
  const count = countFinding(node, info);
  if (count !== null) return [count];
  const lower = info.name.toLowerCase();
  if (info.args === 'flag') return flagFindings(node);
  if (lower === 'sslverifyclient' || lower === 'sslproxyverify') return verifyFindings(node);
  if (lower === 'sslverifydepth' || lower === 'sslproxyverifydepth') return depthFindings(node);
  if (lower === 'sslprotocol' || lower === 'sslproxyprotocol') return protocolFindings(node);
  return [];
}

function countFinding(node: DirectiveNode, info: DirectiveInfo): Finding | null {
  const [min, max, text] = WORD_COUNTS[info.args];
  const n = node.args.length;
  // take13 accepts 1 or 3 words, never 2.
  const bad = n < min || (max !== null && n > max) || (info.args === 'take13' && n === 2);
  if (!bad) return null;
  return atDirective('argument', node, `${node.name} ${text}, ${info.description}`);
}

function flagFindings(node: DirectiveNode): Finding[] {
  const value = node.args[0].value.toLowerCase();
  if (value === 'on' || value === 'off') return [];
  return [atArgument('argument', node, 0, `${node.name} must be On or Off`)];
}

function verifyFindings(node: DirectiveNode): Finding[] {
  const word = node.args[0].value;
  if (VERIFY_MODES.has(word.toLowerCase())) return [];
  return [
    atArgument(
      'argument',
      node,
      0,
      `${node.name}: Invalid argument '${word}' (none, optional, require or optional_no_ca)`,
    ),
  ];
}

function depthFindings(node: DirectiveNode): Finding[] {
  const word = node.args[0].value;
  const depth = cAtoi(word);
  if (depth < 0) {
    return [atArgument('argument', node, 0, `${node.name}: Invalid argument '${word}'`)];
  }
  // A plain number reads as itself unless it overflows C's int.
  if (/^\s*\+?\d+$/.test(word) && BigInt(word.trim()) === BigInt(depth)) return [];
  return [
    atArgument(
      'argument',
      node,
      0,
      `${node.name} '${word}' is not a number; httpd silently reads it as ${depth}`,
      { severity: 'warning' },
    ),
  ];
}

/** The protocols of `all` that OpenSSL 3 (Debian 12) offers. */
const TLS_VERSIONS = ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'];

/**
 * mod_ssl's `ssl_cmd_protocol_parse`: the set starts empty, `+X` adds, `-X` removes and a bare
 * `X` replaces everything before it (its AH02532 warning shows for the main server only).
 */
function protocolFindings(node: DirectiveNode): Finding[] {
  const findings: Finding[] = [];
  node.args.forEach((arg, index) => {
    const sign = arg.value.startsWith('+') || arg.value.startsWith('-') ? arg.value[0] : '';
    const word = arg.value.slice(sign.length).toLowerCase();
    if (word === 'sslv2' && sign === '-') return;
    if (word === 'sslv2' || word === 'sslv3' ? sign !== '-' : !PROTOCOLS.has(word)) {
      const message =
        word === 'sslv2'
          ? `${node.name}: SSLv2 is no longer supported`
          : word === 'sslv3'
            ? `${node.name}: SSLv3 not supported by this version of OpenSSL`
            : `${node.name}: Illegal protocol '${arg.value}'`;
      findings.push(atArgument('argument', node, index, message));
      return;
    }
    if (sign === '' && index > 0) {
      findings.push(
        atArgument(
          'argument',
          node,
          index,
          `${node.name}: '${arg.value}' without + or - replaces the words before it, so only ` +
            `${arg.value} is enabled. Write +${arg.value} to add it.`,
          { severity: 'warning' },
        ),
      );
    }
  });
  return findings;
}

/**
 * The TLS versions an SSLProtocol / SSLProxyProtocol line enables (lower case), null when a
 * word is an error. Whether an empty set matters depends on the server it reaches
 * (server-cert-rules: AH02231).
 */
export function enabledProtocols(node: DirectiveNode): Set<string> | null {
  let enabled = new Set<string>();
  for (const arg of node.args) {
    const sign = arg.value.startsWith('+') || arg.value.startsWith('-') ? arg.value[0] : '';
    const word = arg.value.slice(sign.length).toLowerCase();
    if (!PROTOCOLS.has(word) && word !== 'sslv2') return null;
    const versions = word === 'all' ? TLS_VERSIONS : TLS_VERSIONS.filter((v) => v === word);
    if (sign === '-') for (const version of versions) enabled.delete(version);
    else if (sign === '+') for (const version of versions) enabled.add(version);
    else enabled = new Set(versions);
  }
  return enabled;
}
