/**
 * Whether two lists hold the same items, element by element (`===`). The caches that reuse
 * results between checks compare lists of objects (and strings kept per object) this way:
 * an unchanged item is the very same object as last time.
 */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
