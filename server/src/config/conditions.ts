/**
 * The read-time conditions httpd evaluates (Apache 2.4 core.c `start_cond_section` and its
 * tests): `<IfModule [!]name>`, `<IfDefine [!]name>`, `<IfFile [!]path>`,
 * `<IfDirective [!]name>`, `<IfSection [!]name>`. Each sees only what was read before it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDirectiveAvailable } from './directives';
import { applyMappings, serverRootRelative } from './paths';
import type { FileSource, PathMapping } from './types';

export interface ConditionState {
  modules: ReadonlySet<string>;
  defines: ReadonlyMap<string, string | null>;
  /** ServerRoot in force at the section (IfFile resolves against it). */
  serverRoot: string;
  pathMappings: readonly PathMapping[];
  files?: FileSource;
}

function fileExists(localPath: string, files: FileSource | undefined): boolean {
  if (files?.readText(localPath) !== undefined) return true;
  try {
    fs.statSync(localPath);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a conditional section's children are read. `lowerName` is the section name in
 * lowercase; `argument` its first argument (already `${VAR}`-substituted).
 */
export function evaluateCondition(
  lowerName: string,
  argument: string,
  state: ConditionState,
): boolean {
  const negated = argument.startsWith('!');
  const subject = negated ? argument.slice(1) : argument;
  let holds: boolean;
  switch (lowerName) {
    case 'ifmodule':
      holds = state.modules.has(subject);
      break;
    case 'ifdefine':
      holds = state.defines.has(subject);
      break;
    case 'iffile': {
      const deployed = serverRootRelative(state.serverRoot, subject);
      holds = fileExists(path.resolve(applyMappings(deployed, state.pathMappings)), state.files);
      break;
    }
    case 'ifdirective':
      holds = isDirectiveAvailable(subject, state.modules, false);
      break;
    case 'ifsection':
      holds = isDirectiveAvailable(subject, state.modules, true);
      break;
    default:
      holds = true;
  }
  return negated ? !holds : holds;
}
