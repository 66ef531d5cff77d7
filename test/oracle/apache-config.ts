/**
 * Turns an example config into one Debian's apache2 can run in a throw-away ServerRoot:
 * deployment prefixes become the local folders (so httpd and the checker read the same
 * files), ports become free loopback ports, and a main config loads the needed modules.
 */

/** Debian's module folder (package apache2, 2.4.x). */
const MODULE_DIR = '/usr/lib/apache2/modules';

const MODULES: [id: string, file: string][] = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['mime_module', 'mod_mime.so'],
  ['headers_module', 'mod_headers.so'],
  ['socache_shmcb_module', 'mod_socache_shmcb.so'],
  ['ssl_module', 'mod_ssl.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
];

export interface PortRewrite {
  /** Port as written in the example (Listen, VirtualHost, ProxyPass URL). */
  from: number;
  to: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The example config with every mapped deployment prefix replaced by its local folder
 * (`mappings` longest first; a prefix matches only up to a `/`, quote, space or line end),
 * every `Listen PORT` bound to 127.0.0.1, and every `:PORT` of a rewritten port moved.
 */
export function rewriteExampleConfig(
  text: string,
  mappings: { from: string; to: string }[],
  ports: PortRewrite[],
): string {
  let result = text;
  for (const mapping of mappings) {
    const prefix = new RegExp(`${escapeRegExp(mapping.from)}(?=[/"'\\s]|$)`, 'gm');
    result = result.replace(prefix, mapping.to);
  }
  for (const port of ports) {
    const listen = new RegExp(`^(\\s*Listen\\s+)(?:[^\\s:]+:)?${port.from}\\b`, 'gim');
    result = result.replace(listen, `$1127.0.0.1:${port.to}`);
    result = result.replace(new RegExp(`:${port.from}\\b`, 'g'), `:${port.to}`);
  }
  return result;
}

/** The ports `Listen` lines open, in file order. */
export function listenPorts(text: string): number[] {
  return [...text.matchAll(/^\s*Listen\s+(?:[^\s:]+:)?(\d+)/gim)].map((m) => Number(m[1]));
}

/** The name of the first `ServerName`, without scheme or port; null when none. */
export function firstServerName(text: string): string | null {
  const match = /^\s*ServerName\s+(?:[a-z]+:\/\/)?([^\s:/]+)/im.exec(text);
  return match ? match[1] : null;
}

export interface MainConfigPaths {
  serverRoot: string;
  runDir: string;
  errorLog: string;
  /** The rewritten example config, included at the end. */
  scenarioConfig: string;
}

/** A main config for Debian's apache2 that logs everything mod_ssl says and stays local. */
export function mainConfig(paths: MainConfigPaths): string {
  const loads = MODULES.map(([id, file]) => `LoadModule ${id} ${MODULE_DIR}/${file}`);
  return [
    `ServerRoot "${paths.serverRoot}"`,
    `DefaultRuntimeDir "${paths.runDir}"`,
    `PidFile "${paths.runDir}/httpd.pid"`,
    `Mutex file:${paths.runDir} default`,
    ...loads,
    'User www-data',
    'Group www-data',
    // A global name keeps AH00558 out of the log; the example's vhost sets its own.
    'ServerName localhost',
    // mod_mime wants a types file; the oracle serves no static files, an empty one will do.
    `TypesConfig "${paths.serverRoot}/mime.types"`,
    `ErrorLog "${paths.errorLog}"`,
    'LogLevel info ssl:debug',
    `SSLSessionCache "shmcb:${paths.runDir}/ssl_scache(512000)"`,
    `Include "${paths.scenarioConfig}"`,
    '',
  ].join('\n');
}
