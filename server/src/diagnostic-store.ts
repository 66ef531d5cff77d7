/**
 * Which open config contributed which diagnostics to which file. A certificate or an
 * included file can be reached from several open configs; its published list is the union of
 * their contributions (duplicates merged), and closing one config withdraws only its share.
 */
import type { Diagnostic } from 'vscode-languageserver';

export class DiagnosticStore {
  /** Target file URI -> contributing entry URI -> diagnostics. */
  private readonly byTarget = new Map<string, Map<string, Diagnostic[]>>();
  /** Entry URI -> what it contributed, by target URI (the map given to `update`). */
  private readonly targetsOf = new Map<string, ReadonlyMap<string, Diagnostic[]>>();

  /**
   * Replaces everything `entry` contributed; returns the target URIs whose contribution
   * changed (a re-check of a 1,000-file tree changes a few).
   */
  update(entry: string, diagnostics: Map<string, Diagnostic[]>): string[] {
    const touched: string[] = [];
    for (const target of this.targetsOf.get(entry)?.keys() ?? []) {
      if (diagnostics.has(target)) continue;
      this.withdrawFrom(target, entry);
      touched.push(target);
    }
    for (const [target, list] of diagnostics) {
      let contributions = this.byTarget.get(target);
      if (contributions === undefined) {
        contributions = new Map();
        this.byTarget.set(target, contributions);
      }
      const before = contributions.get(entry);
      contributions.set(entry, list);
      if (before === undefined || !sameDiagnostics(before, list)) touched.push(target);
    }
    this.targetsOf.set(entry, diagnostics);
    return touched;
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
    const targets = [...(this.targetsOf.get(entry)?.keys() ?? [])];
    for (const target of targets) this.withdrawFrom(target, entry);
    return new Set(targets);
  }

  private withdrawFrom(target: string, entry: string): void {
    const contributions = this.byTarget.get(target);
    contributions?.delete(entry);
    if (contributions?.size === 0) this.byTarget.delete(target);
  }
}

function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === b.length;
  return JSON.stringify(a) === JSON.stringify(b);
}
