/**
 * C `atoi` as glibc on 64-bit Linux does it, which is how mod_ssl reads SSLVerifyDepth and
 * SSLProxyVerifyDepth: `(int) strtol(text, NULL, 10)`. strtol skips leading white space, takes
 * an optional sign and the leading digits (`abc` is 0, `2x` is 2), and clamps to the range of
 * a 64-bit long; the cast to int then keeps the low 32 bits, so `4294967296` reads as 0 and
 * `2147483648` or `99999999999999999999` read as negative numbers (which mod_ssl rejects).
 */
const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

export function cAtoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text);
  if (match === null) return 0;
  let value = BigInt(match[2]);
  if (match[1] === '-') value = -value;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return Number(BigInt.asIntN(32, value));
}
