import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cAtoi } from '../../server/src/config/atoi';

/** What glibc's atoi returns on 64-bit Linux, checked against httpd 2.4.71 where it matters. */
const CASES: [string, number][] = [
  ['5', 5],
  ['+3', 3],
  ['  7', 7],
  ['abc', 0],
  ['2x', 2],
  ['0x10', 0],
  ['-0', 0],
  ['-1', -1],
  ['2147483647', 2147483647],
  ['2147483648', -2147483648],
  ['4294967296', 0],
  ['4294967298', 2],
  ['99999999999999999999', -1],
  ['-99999999999999999999', 0],
  ['', 0],
];

for (const [text, expected] of CASES) {
  test(`cAtoi(${JSON.stringify(text)}) = ${expected}`, () => {
    assert.equal(cAtoi(text), expected);
  });
}
