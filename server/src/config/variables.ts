/**
 * `${NAME}` substitution as httpd's `ap_resolve_env` (Apache 2.4, server/core.c): a Define'd
 * value first, then the environment; a substituted value is not expanded again; an unknown
 * name keeps its literal `${NAME}` and is reported (AH00111) unless it contains ':' (those
 * are left for modules such as mod_rewrite's `${map:key}`). A `$` not followed by `{...}`
 * is plain text.
 */

export interface Substitution {
  text: string;
  /** Names that were not defined and are warned about, in order of appearance. */
  undefinedNames: string[];
}

/**
 * Substitutes every `${NAME}` in `text`. `defines` maps a Define'd name to its value; a
 * name Define'd without a value (null) falls through to `env`.
 */
export function substituteVariables(
  text: string,
  defines: ReadonlyMap<string, string | null>,
  env: Readonly<Record<string, string>>,
): Substitution {
  if (!text.includes('${')) return { text, undefinedNames: [] };

  let result = '';
  const undefinedNames: string[] = [];
  let cursor = 0;
  for (;;) {
    const start = text.indexOf('${', cursor);
    const close = start < 0 ? -1 : text.indexOf('}', start + 2);
    if (close < 0) break;

    const name = text.slice(start + 2, close);
    const defined = defines.get(name);
    const value = defined ?? (Object.hasOwn(env, name) ? env[name] : undefined);
    result += text.slice(cursor, start);
    if (value !== undefined) {
      result += value;
    } else {
      result += text.slice(start, close + 1);
      if (!name.includes(':')) undefinedNames.push(name);
    }
    cursor = close + 1;
  }
  return { text: result + text.slice(cursor), undefinedNames };
}
