/**
 * Which open config contributed which diagnostics to which file. A certificate or an
 * included file can be reached from several open configs; its published list is the union of
 * their contributions (duplicates merged), and closing one config withdraws only its share.
 */
import type { Diagnostic } from 'vscode-languageserver';

export class DiagnosticStore {
  /** Target file URI -> contributing entry URI -> diagnostics. */
  private readonly byTarget = new Map<string, Map<string, Diagnostic[]>>();
  /** Entry URI -> target URIs it contributed to. */
  private readonly targetsOf = new Map<string, Set<string>>();

  /** Replaces everything `entry` contributed; returns the target URIs to republish. */
  update(entry: string, diagnostics: Map<string, Diagnostic[]>): string[] {
    const touched = this.withdraw(entry);
    for (const [target, list] of diagnostics) {
      const contributions = this.byTarget.get(target) ?? new Map<string, Diagnostic[]>();
      contributions.set(entry, list);
      this.byTarget.set(target, contributions);
      touched.add(target);
    }
    this.targetsOf.set(entry, new Set(diagnostics.keys()));
    return [...touched];
  }

  /** Withdraws `entry`'s contributions; returns the target URIs to republish. */
  remove(entry: string): string[] {
    const touched = this.withdraw(entry);
    this.targetsOf.delete(entry);
    return [...touched];
  }

  /** The merged list to publish for a file (empty clears it). */
  diagnosticsFor(target: string): Diagnostic[] {
    const seen = new Set<string>();
    const merged: Diagnostic[] = [];
    for (const list of this.byTarget.get(target)?.values() ?? []) {
      for (const diagnostic of list) {
        const key = JSON.stringify([diagnostic.range, diagnostic.code, diagnostic.message]);
        if (seen.has(key)) continue;
        seen.add(key);
        merged.push(diagnostic);
      }
    }
    return merged;
  }

  private withdraw(entry: string): Set<string> {
    const targets = this.targetsOf.get(entry) ?? new Set<string>();
    for (const target of targets) {
      const contributions = this.byTarget.get(target);
      contributions?.delete(entry);
      if (contributions?.size === 0) this.byTarget.delete(target);
    }
    return new Set(targets);
  }
}
