/**
 * Which open config contributed which diagnostics to which file. A certificate or an
 * included file can be reached from several open configs; its published list is the union of
 * their contributions (duplicates merged), and closing one config withdraws only its share.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { FileDiagnostics } from './features/diagnostics';

export class DiagnosticStore {
  /** Target file URI -> contributing entry URI -> diagnostics. */
  private readonly byTarget = new Map<string, Map<string, Diagnostic[]>>();
  /** Entry URI -> what it contributed (the value given to `update`). */
  private readonly targetsOf = new Map<string, FileDiagnostics>();

  /**
   * Replaces everything `entry` contributed; returns the target URIs whose contribution
   * changed. While `files` is the same array as last time, only the files that have
   * diagnostics now or had them before are looked at (a re-check of 1,000 files changes few).
   */
  update(entry: string, diagnostics: FileDiagnostics): string[] {
    const previous = this.targetsOf.get(entry);
    this.targetsOf.set(entry, diagnostics);
    const touched: string[] = [];
    const contribute = (target: string, before: Diagnostic[] | undefined, list: Diagnostic[]) => {
      if (before === list) return;
      let contributions = this.byTarget.get(target);
      if (contributions === undefined) {
        contributions = new Map();
        this.byTarget.set(target, contributions);
      }
      contributions.set(entry, list);
      if (before === undefined || !sameDiagnostics(before, list)) touched.push(target);
    };
    const { files, found } = diagnostics;
    if (previous !== undefined && previous.files === files) {
      previous.found.forEach((before, target) => {
        if (!found.has(target)) contribute(target, before, NONE);
      });
      found.forEach((list, target) => contribute(target, previous.found.get(target) ?? NONE, list));
      return touched;
    }
    const now = new Set(files);
    for (const target of previous?.files ?? []) {
      if (now.has(target)) continue;
      this.withdrawFrom(target, entry);
      touched.push(target);
    }
    const had = previous === undefined ? null : new Set(previous.files);
    for (const target of files) {
      const before = had?.has(target) ? (previous?.found.get(target) ?? NONE) : undefined;
      contribute(target, before, found.get(target) ?? NONE);
    }
    return touched;
  }

  /** Withdraws `entry`'s contributions; returns the target URIs to republish. */
  remove(entry: string): string[] {
    const targets = [...new Set(this.targetsOf.get(entry)?.files ?? [])];
    for (const target of targets) this.withdrawFrom(target, entry);
    this.targetsOf.delete(entry);
    return targets;
  }

  /**
   * The merged list to publish for a file (empty clears it). Contributions are taken in the
   * order of their entry URIs, so that when two configs report the same diagnostic (range,
   * code, message) the one kept does not depend on which was opened or re-checked first.
   */
  diagnosticsFor(target: string): Diagnostic[] {
    const contributions = this.byTarget.get(target);
    if (contributions === undefined) return [];
    const lists =
      contributions.size === 1
        ? [...contributions.values()]
        : [...contributions.keys()].sort().map((entry) => contributions.get(entry) ?? []);
    const seen = new Set<string>();
    const merged: Diagnostic[] = [];
    for (const list of lists) {
      for (const diagnostic of list) {
        const key = JSON.stringify([diagnostic.range, diagnostic.code, diagnostic.message]);
        if (seen.has(key)) continue;
        seen.add(key);
        merged.push(diagnostic);
      }
    }
    return merged;
  }

  private withdrawFrom(target: string, entry: string): void {
    const contributions = this.byTarget.get(target);
    contributions?.delete(entry);
    if (contributions?.size === 0) this.byTarget.delete(target);
  }
}

/** The contribution of a file without diagnostics (shared, never pushed to). */
const NONE: Diagnostic[] = [];

function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === b.length;
  return JSON.stringify(a) === JSON.stringify(b);
}
