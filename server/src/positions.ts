/**
 * Positions where a list holds other objects than last time. The objects of an unchanged
 * config are the same from check to check (top-level nodes, server models), so a re-check
 * after one site file changed finds one or two positions, and a cache of results per
 * position redoes those alone. Past `MAX_CHANGED`, or when the length differs, the caller
 * does everything again (null).
 */
const MAX_CHANGED = 16;

export function changedPositions<T>(last: readonly T[], now: readonly T[]): number[] | null {
  if (last.length !== now.length) return null;
  const changed: number[] = [];
  for (let index = 0; index < now.length; index++) {
    if (last[index] === now[index]) continue;
    if (changed.length === MAX_CHANGED) return null;
    changed.push(index);
  }
  return changed;
}

/** The lists in order, as one (the per-position results of a cache, most of them empty). */
export function flattened<T>(lists: readonly (readonly T[])[]): T[] {
  const all: T[] = [];
  for (let index = 0; index < lists.length; index++) {
    const list = lists[index];
    for (let at = 0; at < list.length; at++) all.push(list[at]);
  }
  return all;
}
