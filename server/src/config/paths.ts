/**
 * Where a path named in the config lives: on the deployed server (as httpd sees it) and on
 * this machine (after the project's path mappings). Apache paths are POSIX paths.
 */
import * as path from 'node:path';
import type { LoadedConfig, PathMapping } from './types';

export interface ServerPath {
  /** Absolute path as httpd resolves it (`ap_server_root_relative`), normalised. */
  deployedPath: string;
  /** The file to read here: `deployedPath` with the longest matching mapping applied. */
  localPath: string;
}

function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 1 && value[end - 1] === '/') end--;
  return value.slice(0, end);
}

/**
 * Applies the longest mapping whose `from` is a directory prefix of `deployedPath`, matched
 * at path-component boundaries (`/etc/httpd` maps `/etc/httpd/x` but not `/etc/httpd2/x`).
 * Returns `deployedPath` unchanged when no mapping matches. `to` is used as given (relative
 * `to` values stay relative to the process's working directory).
 */
export function applyMappings(deployedPath: string, mappings: readonly PathMapping[]): string {
  let best: PathMapping | undefined;
  let bestLength = -1;
  for (const mapping of mappings) {
    const from = trimTrailingSlashes(mapping.from);
    if (from === '') continue;
    const matches =
      deployedPath === from ||
      (deployedPath.startsWith(from) && (from.endsWith('/') || deployedPath[from.length] === '/'));
    if (matches && from.length > bestLength) {
      best = mapping;
      bestLength = from.length;
    }
  }
  if (best === undefined) return deployedPath;

  const rest = deployedPath.slice(bestLength).replace(/^\/+/, '');
  return rest === '' ? best.to : path.join(best.to, rest);
}

/** Joins a relative path to `root` as httpd does (absolute paths are kept), normalised. */
export function serverRootRelative(root: string, arg: string): string {
  return arg.startsWith('/') ? path.posix.normalize(arg) : path.posix.join(root, arg);
}

/**
 * Resolves a mod_ssl file or directory argument: absolute kept, relative joined to the
 * final ServerRoot (`config.serverRoot`, the last one in file order), then mapped.
 */
export function resolveServerPath(config: LoadedConfig, arg: string): ServerPath {
  const deployedPath = serverRootRelative(config.serverRoot, arg);
  return { deployedPath, localPath: applyMappings(deployedPath, config.pathMappings) };
}
