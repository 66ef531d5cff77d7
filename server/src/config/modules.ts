/**
 * Module names as `<IfModule>` sees them (Apache 2.4 core.c `find_module`): a module is
 * named either by its identifier (`ssl_module`, the first LoadModule argument) or by its
 * source file (`mod_ssl.c`). `mod_ssl` and `mod_ssl.so` name nothing. Names are
 * case-sensitive.
 */

/** Compiled into Debian's apache2 binary (`apache2 -l`). */
const BUILT_IN = ['core', 'so', 'watchdog', 'http', 'log_config', 'logio', 'version', 'unixd'];

/** Enabled by a stock Debian apache2 install, plus what an mTLS reverse proxy enables. */
export const DEBIAN_DEFAULT_MODULES: readonly string[] = [
  'access_compat',
  'alias',
  'auth_basic',
  'authn_core',
  'authn_file',
  'authz_core',
  'authz_host',
  'authz_user',
  'autoindex',
  'deflate',
  'dir',
  'env',
  'filter',
  'mime',
  'mpm_event',
  'negotiation',
  'reqtimeout',
  'setenvif',
  'status',
  'ssl',
  'socache_shmcb',
  'proxy',
  'proxy_http',
  'headers',
];

/** Modules whose source file is not `mod_<short>.c`. */
const SOURCE_FILE_EXCEPTIONS: Record<string, string> = {
  core_module: 'core.c',
  http_module: 'http_core.c',
  mpm_event_module: 'event.c',
  mpm_prefork_module: 'prefork.c',
  mpm_worker_module: 'worker.c',
};

/** `ssl_module` -> `mod_ssl.c`; null when `id` is not a module identifier. */
export function sourceFileOf(id: string): string | null {
  if (!id.endsWith('_module') || id.length <= '_module'.length) return null;
  return SOURCE_FILE_EXCEPTIONS[id] ?? `mod_${id.slice(0, -'_module'.length)}.c`;
}

/** `mod_ssl.c` -> `ssl_module`; null when `file` is not a source file name. */
export function identifierOf(file: string): string | null {
  for (const [id, source] of Object.entries(SOURCE_FILE_EXCEPTIONS)) {
    if (source === file) return id;
  }
  const match = /^mod_(.+)\.c$/.exec(file);
  return match === null ? null : `${match[1]}_module`;
}

/** Adds a module under both of its names. */
export function addModule(modules: Set<string>, name: string): void {
  modules.add(name);
  const other = sourceFileOf(name) ?? identifierOf(name);
  if (other !== null) modules.add(other);
}

/**
 * The modules `<IfModule>` sees before any LoadModule line: the built-ins always, plus
 * `configured` when given (either name form), else Debian's defaults.
 */
export function initialModules(configured: readonly string[] | undefined): Set<string> {
  const modules = new Set<string>();
  for (const short of BUILT_IN) addModule(modules, `${short}_module`);
  const extra = configured ?? DEBIAN_DEFAULT_MODULES.map((short) => `${short}_module`);
  for (const name of extra) addModule(modules, name);
  return modules;
}
