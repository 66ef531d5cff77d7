/**
 * The quick fix on `file-missing` diagnostics whose data says `fix: 'generate-file'`: a
 * command that generates exactly that file (with its certificate/key partner) for the
 * directive's vhost. Pure: diagnostics in, code actions out.
 */
import type { CodeAction, Diagnostic } from 'vscode-languageserver';

/** Server command the quick fix runs; its argument is a `GenerateMissingArgs`. */
export const GENERATE_MISSING_COMMAND = 'httpdMtls.server.generateCertificates';

/** Argument of the quick fix's command (the palette command passes a plain URI instead). */
export interface GenerateMissingArgs {
  mode: 'missing-file';
  /** The config the diagnostic was published for. */
  uri: string;
  /** Local path of the missing file (after path mapping). */
  localPath: string;
}

export function isGenerateMissingArgs(value: unknown): value is GenerateMissingArgs {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.mode === 'missing-file' &&
    typeof record.uri === 'string' &&
    typeof record.localPath === 'string'
  );
}

function generateData(diagnostic: Diagnostic): { directive: string; localPath: string } | null {
  if (diagnostic.code !== 'file-missing') return null;
  const data = diagnostic.data as Record<string, unknown> | undefined;
  if (data?.fix !== 'generate-file' || data.isDirectory === true) return null;
  const { directive, localPath } = data;
  if (typeof directive !== 'string' || typeof localPath !== 'string') return null;
  return { directive, localPath };
}

/** One "Generate ..." action per generate-file diagnostic among `diagnostics`. */
export function generateFileActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = generateData(diagnostic);
    if (data === null) continue;
    const args: GenerateMissingArgs = { mode: 'missing-file', uri, localPath: data.localPath };
    const title = `Generate ${data.localPath} for ${data.directive}`;
    actions.push({
      title,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      command: { title, command: GENERATE_MISSING_COMMAND, arguments: [args] },
    });
  }
  return actions;
}
