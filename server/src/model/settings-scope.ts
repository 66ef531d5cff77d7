/**
 * Reading directive values the way mod_ssl's and core's handlers parse them, so the model
 * holds what Apache would hold (not what the text says).
 */
import { cAtoi } from '../config/atoi';
import type { DirectiveNode } from '../config/types';
import type { VerifyMode } from './types';

export function lower(name: string): string {
  return name.toLowerCase();
}

/** FLAG directives: `on`/`off` in any case; anything else (an `argument` error) reads as null. */
export function readFlag(directive: DirectiveNode): boolean | null {
  const value = directive.args[0]?.value.toLowerCase();
  if (value === 'on') return true;
  if (value === 'off') return false;
  return null;
}

/** SSLVerifyClient / SSLProxyVerify: `off` = none, `on` = require (ssl_cmd_verify_parse). */
export function readVerifyMode(directive: DirectiveNode): VerifyMode | null {
  switch (directive.args[0]?.value.toLowerCase()) {
    case 'none':
    case 'off':
      return 'none';
    case 'optional':
      return 'optional';
    case 'require':
    case 'on':
      return 'require';
    case 'optional_no_ca':
      return 'optional_no_ca';
    default:
      return null;
  }
}

/**
 * SSLVerifyDepth / SSLProxyVerifyDepth are read with C `atoi`: leading digits count,
 * `abc` is 0 and `2x` is 2; a negative value is a startup error (null here).
 */
export function readDepth(directive: DirectiveNode): number | null {
  const value = cAtoi(directive.args[0]?.value ?? '');
  return value < 0 ? null : value;
}
