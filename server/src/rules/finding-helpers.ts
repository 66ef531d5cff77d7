/** Small constructors so every rule places findings the same way. */
import type { DirectiveNode } from '../config/types';
import type { Finding, RelatedLocation, RuleId } from '../findings';
import type { PemBlock } from '../pki/types';
import type { FileRef } from '../model/types';

export interface FindingExtras {
  related?: RelatedLocation[];
  data?: Record<string, unknown>;
  severity?: Finding['severity'];
}

/** A finding on the directive's name (the whole directive line is the cause). */
export function atDirective(
  rule: RuleId,
  directive: DirectiveNode,
  message: string,
  extras: FindingExtras = {},
): Finding {
  return { rule, file: directive.file, range: directive.range, message, ...extras };
}

/** A finding on one argument (a path, a URL, a value), falling back to the directive. */
export function atArgument(
  rule: RuleId,
  directive: DirectiveNode,
  argIndex: number,
  message: string,
  extras: FindingExtras = {},
): Finding {
  const arg = directive.args[argIndex];
  return {
    rule,
    file: directive.file,
    range: arg ? arg.range : directive.range,
    message,
    ...extras,
  };
}

/** A finding on the path argument of a file directive. */
export function atFile(
  rule: RuleId,
  ref: FileRef,
  message: string,
  extras: FindingExtras = {},
): Finding {
  return atArgument(rule, ref.directive, ref.argIndex, message, extras);
}

/** Related information pointing at a PEM block. */
export function blockLocation(file: string, block: PemBlock, message: string): RelatedLocation {
  return { file, range: block.range, message };
}

/** Removes exact duplicates (the main server's settings are seen again through each vhost). */
export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = [f.rule, f.file, f.range.start.line, f.range.start.character, f.message].join(
      '\u0000',
    );
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/** `host:port` Apache uses to name a vhost in its log lines. */
export function vhostLabel(serverName: string | null, port: number): string {
  return `${serverName ?? '_default_'}:${port || 443}`;
}
