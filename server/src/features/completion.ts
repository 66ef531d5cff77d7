/**
 * Completion from the text before the cursor: directive and section names valid in the
 * enclosing context (from the directive table), keyword values of the directive being
 * written, and file names for path arguments (resolved under the ServerRoot and through the
 * path mappings, listed from this machine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { DIRECTIVES, lookupDirective, type DirectiveContext } from '../config/directives';
import { localPathOf, type PathContext } from './document-links';
import { pathKindOfName } from './path-arguments';

const VERIFY_MODES = ['none', 'optional', 'require', 'optional_no_ca'];
const PROTOCOLS = [
  'all',
  '-all',
  '+TLSv1.2',
  '+TLSv1.3',
  'TLSv1.2',
  'TLSv1.3',
  '-SSLv3',
  '-TLSv1',
  '-TLSv1.1',
];
const REVOCATION = ['none', 'chain', 'leaf', 'no_crl_for_cert_ok'];

/** Keyword values per lowercase directive name (flags get On/Off from the table). */
const KEYWORDS: Record<string, readonly string[]> = {
  sslverifyclient: VERIFY_MODES,
  sslproxyverify: VERIFY_MODES,
  sslprotocol: PROTOCOLS,
  sslproxyprotocol: PROTOCOLS,
  sslcarevocationcheck: REVOCATION,
  sslproxycarevocationcheck: REVOCATION,
  sslsessioncache: ['none', 'nonenotnull', 'shmcb:', 'dbm:'],
  ssloptions: [
    '+StdEnvVars',
    '+ExportCertData',
    '+FakeBasicAuth',
    '+StrictRequire',
    '+OptRenegotiate',
    '+LegacyDNStringFormat',
  ],
};

export interface CompletionInput {
  /** Text of the cursor's line up to the cursor. */
  linePrefix: string;
  /** Directive context of the enclosing sections (see node-at.ts `contextOf`). */
  context: DirectiveContext;
  paths: PathContext;
  /** Lists a folder on this machine; empty when absent. */
  listDirectory?: (dir: string) => { name: string; isDirectory: boolean }[];
}

function listLocal(dir: string): { name: string; isDirectory: boolean }[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      isDirectory: entry.isDirectory(),
    }));
  } catch {
    return [];
  }
}

function directiveItems(context: DirectiveContext, sectionOnly: boolean): CompletionItem[] {
  const seen = new Set<string>();
  return DIRECTIVES.filter((info) => {
    if (seen.has(info.name.toLowerCase()) || !info.contexts.includes(context)) return false;
    if (sectionOnly && !info.section) return false;
    seen.add(info.name.toLowerCase());
    return true;
  }).map((info) => ({
    label: info.section ? `<${info.name}` : info.name,
    filterText: info.section && !sectionOnly ? `<${info.name}` : undefined,
    insertText: info.section && sectionOnly ? info.name : undefined,
    kind: info.section ? CompletionItemKind.Module : CompletionItemKind.Keyword,
    detail: `${info.module}: ${info.description}`,
  }));
}

function pathItems(partial: string, input: CompletionInput): CompletionItem[] {
  const slash = partial.lastIndexOf('/');
  const dirPart = slash < 0 ? '' : partial.slice(0, slash + 1);
  const local = localPathOf(dirPart === '' ? '.' : dirPart, input.paths);
  const entries = (input.listDirectory ?? listLocal)(local);
  return entries.map((entry) => ({
    label: entry.isDirectory ? `${entry.name}/` : entry.name,
    kind: entry.isDirectory ? CompletionItemKind.Folder : CompletionItemKind.File,
    detail: path.join(local, entry.name),
  }));
}

export function completions(input: CompletionInput): CompletionItem[] {
  const head = /^\s*(<?)([A-Za-z_]*)$/.exec(input.linePrefix);
  if (head !== null) return directiveItems(input.context, head[1] === '<');

  const written = /^\s*([A-Za-z_]+)\s+(.*)$/.exec(input.linePrefix);
  if (written === null) return [];
  const [, name = '', rest = ''] = written;
  const words = rest.split(/\s+/);
  const partial = words.at(-1) ?? '';
  const info = lookupDirective(name);
  if (words.length === 1 && pathKindOfName(name) !== null) {
    return pathItems(partial.replace(/^"/, ''), input);
  }
  const keywords = KEYWORDS[name.toLowerCase()] ?? (info?.args === 'flag' ? ['On', 'Off'] : []);
  return keywords.map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
}
