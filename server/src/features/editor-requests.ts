/**
 * One open document as the editor features see it: its text parsed on demand (so features
 * follow typing), plus the last engine result for paths, topology and findings. The
 * language server answers hover, completion, links, symbols, folding, lenses and code
 * actions through here; nothing here touches the connection.
 */
import { readRegularTextOrNothing } from '../safe-read';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  Diagnostic,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
} from 'vscode-languageserver';
import type { Position } from '../findings';
import { parseConfig } from '../config/parser';
import type { ConfigNode } from '../config/types';
import type { CheckResult } from '../engine';
import type { PkiStore } from '../pki/types';
import { codeActions } from './code-actions';
import { codeLenses } from './code-lens';
import { completions } from './completion';
import { documentLinks, type PathContext } from './document-links';
import { foldingRanges } from './folding';
import { hoverAt } from './hover-at';
import { contextOf, sectionsAround } from './node-at';
import { documentSymbols } from './symbols';

/** Debian's compiled-in ServerRoot, used before the first check has run. */
const FALLBACK_PATHS: PathContext = { serverRoot: '/etc/apache2', pathMappings: [] };

export interface EditorDocument {
  uri: string;
  /** Local path the document is checked as. */
  entry: string;
  text: string;
  /** Last check of this document; undefined before the first one. */
  engine: CheckResult | undefined;
}

export class EditorRequests {
  private readonly parsed = new Map<string, { text: string; nodes: ConfigNode[] }>();

  constructor(private readonly pki: PkiStore) {}

  private nodes(doc: EditorDocument): ConfigNode[] {
    const cached = this.parsed.get(doc.uri);
    if (cached?.text === doc.text) return cached.nodes;
    const nodes = parseConfig(doc.text, doc.entry).nodes;
    this.parsed.set(doc.uri, { text: doc.text, nodes });
    return nodes;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }

  private paths(doc: EditorDocument): PathContext {
    return doc.engine?.config ?? FALLBACK_PATHS;
  }

  hover(doc: EditorDocument, at: Position): Hover | null {
    const result = hoverAt(this.nodes(doc), at, this.paths(doc), this.pki, new Date());
    if (result === null) return null;
    return { contents: { kind: 'markdown', value: result.markdown }, range: result.range };
  }

  completion(doc: EditorDocument, at: Position): CompletionItem[] {
    const line = doc.text.split('\n')[at.line] ?? '';
    const context = contextOf(sectionsAround(this.nodes(doc), at));
    const linePrefix = line.slice(0, at.character);
    return completions({ linePrefix, context, paths: this.paths(doc) });
  }

  links(doc: EditorDocument): DocumentLink[] {
    return documentLinks(this.nodes(doc), this.paths(doc));
  }

  symbols(doc: EditorDocument): DocumentSymbol[] {
    return documentSymbols(this.nodes(doc));
  }

  folding(doc: EditorDocument): FoldingRange[] {
    return foldingRanges(this.nodes(doc), doc.text);
  }

  lenses(doc: EditorDocument): CodeLens[] {
    if (doc.engine === undefined) return [];
    return codeLenses(doc.engine.topology, doc.engine.findings, doc.entry, doc.uri);
  }

  actions(
    doc: EditorDocument,
    diagnostics: Diagnostic[],
    allDiagnostics: Diagnostic[],
    readText: (file: string) => string | undefined,
    projectFile: { path: string; exists: boolean },
  ): CodeAction[] {
    return codeActions({
      uri: doc.uri,
      text: doc.text,
      nodes: this.nodes(doc),
      diagnostics,
      allDiagnostics,
      readText,
      projectFile,
    });
  }
}

/** Text of a file: an open buffer's, else the disk's; undefined when unreadable. */
export function bufferOrDisk(
  buffers: ReadonlyMap<string, string>,
  file: string,
): string | undefined {
  return buffers.get(file) ?? readRegularTextOrNothing(file);
}
