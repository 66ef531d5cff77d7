/**
 * A value kept per (object, key): computed once while the object lives. The caches that
 * hang results on objects the loader or the store hands back unchanged (a folder listing, a
 * loaded file) use it with a key for whatever else the result depends on.
 */
export function keptFor<K extends object, V>(
  kept: WeakMap<K, Map<string, V>>,
  owner: K,
  key: string,
  make: () => V,
): V {
  let byKey = kept.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    kept.set(owner, byKey);
  }
  let value = byKey.get(key);
  if (value === undefined) {
    value = make();
    byKey.set(key, value);
  }
  return value;
}
