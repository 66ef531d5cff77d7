// Loads the extension's TextMate grammar into VS Code's own tokenizer (vscode-textmate on
// Oniguruma), taken from the code-server that scripts/install-e2e-deps.sh installs: npm test's
// setup (scripts/install-test-deps.sh) always runs that script, so the path exists in CI. The
// repo does not depend on these packages; a missing install is an error that names the fix.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const grammarPath = path.join(repoRoot, 'syntaxes/apacheconf.tmLanguage.json');
export const SCOPE_NAME = 'source.apacheconf';

/** One token of one physical line: 0-based UTF-16 columns, end exclusive, outermost scope first. */
export interface LineToken {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}

/** The parts of vscode-textmate 9 and vscode-oniguruma 1.7 these tests use. */
interface StateStack {
  readonly _stateStackBrand: void;
}
interface TextMateGrammar {
  tokenizeLine(
    line: string,
    state: StateStack | null,
  ): { tokens: LineToken[]; ruleStack: StateStack };
}
interface TextMateModule {
  INITIAL: StateStack;
  parseRawGrammar(content: string, filePath: string): object;
  Registry: new (options: {
    onigLib: Promise<object>;
    loadGrammar(scopeName: string): Promise<object | null>;
  }) => { loadGrammar(scopeName: string): Promise<TextMateGrammar | null> };
}
export interface OnigScanner {
  findNextMatchSync(text: string, start: number): { index: number } | null;
  dispose(): void;
}
interface OnigurumaModule {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => OnigScanner;
  OnigString: new (text: string) => object;
}

/** Where code-server keeps VS Code's own node_modules (HTTPD_MTLS_CACHE as in the e2e tests). */
export function vscodeNodeModules(): string {
  const cacheRoot = process.env.HTTPD_MTLS_CACHE ?? path.join(os.homedir(), '.cache/httpd-mtls');
  return path.join(
    cacheRoot,
    `code-server-${CODE_SERVER_VERSION}`,
    'node_modules/code-server/lib/vscode/node_modules',
  );
}

function requireFromVscode<T>(name: string): T {
  const dir = path.join(vscodeNodeModules(), name);
  if (!existsSync(path.join(dir, 'package.json'))) {
    throw new Error(`${name} not found in ${dir}: run scripts/install-e2e-deps.sh first`);
  }
  return createRequire(import.meta.url)(dir) as T;
}

let oniguruma: Promise<OnigurumaModule> | undefined;

/** vscode-oniguruma with its WebAssembly loaded (once per process). */
export function loadOniguruma(): Promise<OnigurumaModule> {
  oniguruma ??= (async () => {
    const onig = requireFromVscode<OnigurumaModule>('vscode-oniguruma');
    const wasm = readFileSync(path.join(vscodeNodeModules(), 'vscode-oniguruma/release/onig.wasm'));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return onig;
  })();
  return oniguruma;
}

/** A tokenizer for whole documents with the grammar file as it is on disk now. */
export async function loadApacheGrammar(): Promise<(text: string) => LineToken[][]> {
  const onig = await loadOniguruma();
  const textmate = requireFromVscode<TextMateModule>('vscode-textmate');
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (text: string) => new onig.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === SCOPE_NAME
        ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (grammar === null) throw new Error(`${grammarPath} did not load as ${SCOPE_NAME}`);

  return (text) => {
    let state = textmate.INITIAL;
    return text.split(/\r?\n/).map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      return result.tokens;
    });
  };
}
