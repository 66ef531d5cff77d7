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

/**
 * Entries kept per position of a list of kept objects, with the positions whose entry must
 * be redone on every check whatever changed (`redo`: e.g. its answers were not all trusted).
 */
export interface Positional<T, E> {
  items: readonly T[];
  entries: E[];
  redo: number[];
}

/** One position's entry; `redo`: redo it next time even if its item is the same. */
export type PositionEntry<T, E> = (
  item: T,
  /** The entry kept at this position when it holds the same item, else null. */
  previous: E | null,
) => { entry: E; redo: boolean };

/** Entries for every position of `items`; `last`: a state to take unchanged entries from. */
export function positional<T, E>(
  items: readonly T[],
  at: PositionEntry<T, E>,
  last: Positional<T, E> | null = null,
): Positional<T, E> {
  const state: Positional<T, E> = { items, entries: [], redo: [] };
  items.forEach((item, index) => {
    const previous = last !== null && last.items[index] === item ? last.entries[index] : null;
    const result = at(item, previous);
    state.entries.push(result.entry);
    if (result.redo) state.redo.push(index);
  });
  return state;
}

/**
 * Brings `state` to `items` in place when few positions changed (`changedPositions`): those
 * and the `redo` positions get new entries. False, and `state` untouched, otherwise.
 */
export function patchPositional<T, E>(
  state: Positional<T, E>,
  items: readonly T[],
  at: PositionEntry<T, E>,
): boolean {
  const changed = changedPositions(state.items, items);
  if (changed === null) return false;
  const positions = [...new Set([...changed, ...state.redo])].sort((a, b) => a - b);
  const redo: number[] = [];
  for (const index of positions) {
    const item = items[index];
    const previous = state.items[index] === item ? state.entries[index] : null;
    const result = at(item, previous);
    state.entries[index] = result.entry;
    if (result.redo) redo.push(index);
  }
  state.items = items;
  state.redo = redo;
  return true;
}
