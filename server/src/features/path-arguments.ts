/**
 * Which directive arguments name files or folders (Apache 2.4.71, mod_ssl and core), for
 * hover, document links and path completion.
 */
import type { DirectiveNode, SectionNode } from '../config/types';

/** Lowercase directive name -> what its first argument names. */
const PATH_DIRECTIVES: ReadonlyMap<string, 'config' | 'pki-file' | 'pki-dir' | 'dir'> = new Map([
  ['include', 'config'],
  ['includeoptional', 'config'],
  ['serverroot', 'dir'],
  ['sslcertificatefile', 'pki-file'],
  ['sslcertificatekeyfile', 'pki-file'],
  ['sslcertificatechainfile', 'pki-file'],
  ['sslcacertificatefile', 'pki-file'],
  ['sslcacertificatepath', 'pki-dir'],
  ['sslcarevocationfile', 'pki-file'],
  ['sslcarevocationpath', 'pki-dir'],
  ['sslcadnrequestfile', 'pki-file'],
  ['sslcadnrequestpath', 'pki-dir'],
  ['sslproxycacertificatefile', 'pki-file'],
  ['sslproxycacertificatepath', 'pki-dir'],
  ['sslproxycarevocationfile', 'pki-file'],
  ['sslproxycarevocationpath', 'pki-dir'],
  ['sslproxymachinecertificatefile', 'pki-file'],
  ['sslproxymachinecertificatepath', 'pki-dir'],
  ['sslproxymachinecertificatechainfile', 'pki-file'],
]);

export type PathKind = 'config' | 'pki-file' | 'pki-dir' | 'dir';

/** What the argument at `argIndex` names; null when it is no path. */
export function pathKindOf(node: DirectiveNode | SectionNode, argIndex: number): PathKind | null {
  if (node.kind !== 'directive' || argIndex !== 0) return null;
  return pathKindOfName(node.name);
}

/** What a directive's first argument names, by directive name (any case); null: no path. */
export function pathKindOfName(name: string): PathKind | null {
  return PATH_DIRECTIVES.get(name.toLowerCase()) ?? null;
}

/** A glob or a ${VAR} cannot be followed to one file. */
export function isPlainPath(value: string): boolean {
  return value !== '' && !/[*?[]/.test(value) && !value.includes('${');
}
