/**
 * The directive table: every directive and section of the modules a TLS reverse proxy
 * meets, as declared in Apache 2.4's command tables (contexts from RSRC_CONF, ACCESS_CONF,
 * OR_* and PROXY_CONF, narrowed where a handler refuses a context, e.g. ProxyPass in
 * <Directory>). Data for the unknown-directive, directive-context and argument rules and
 * for hover and completion. Lookups are case-insensitive, as httpd's.
 */
import { directiveRows, type DirectiveRow } from './directive-rows';

export type DirectiveContext =
  'server' | 'virtualhost' | 'directory' | 'location' | 'files' | 'proxy' | 'htaccess';

/** The context a section gives what it holds; other sections pass their parent's through. */
export const SECTION_CONTEXTS: Readonly<Record<string, DirectiveContext>> = {
  virtualhost: 'virtualhost',
  directory: 'directory',
  directorymatch: 'directory',
  location: 'location',
  locationmatch: 'location',
  files: 'files',
  filesmatch: 'files',
  proxy: 'proxy',
  proxymatch: 'proxy',
};

/**
 * httpd's argument kinds (`cmd_how`): `flag` is On/Off; `takeN`/`takeNM` a fixed word
 * count; `iterate` one or more words each handled alone; `iterate2` a first word then one
 * or more; `raw` the rest of the line as one string; `none` no argument.
 */
export type ArgumentShape =
  | 'none'
  | 'flag'
  | 'take1'
  | 'take2'
  | 'take3'
  | 'take12'
  | 'take13'
  | 'take23'
  | 'take123'
  | 'iterate'
  | 'iterate2'
  | 'raw';

export interface DirectiveInfo {
  /** Canonical spelling, without '<' for sections (`VirtualHost`). */
  name: string;
  /** Manual page of the module: `core`, `mpm_common`, `event`, `mod_ssl`, ... */
  module: string;
  contexts: readonly DirectiveContext[];
  args: ArgumentShape;
  /** The default as the manual states it; null when there is none. */
  default: string | null;
  description: string;
  /** True for `<Name ...>` containers. */
  section: boolean;
  /** https://httpd.apache.org/docs/2.4/mod/<module>.html#<lowercased name> */
  manualUrl: string;
}

function toInfo(row: DirectiveRow, module: string): DirectiveInfo {
  const [spelled, contexts, args, defaultValue, description] = row;
  const section = spelled.startsWith('<');
  const name = section ? spelled.slice(1) : spelled;
  return {
    name,
    module,
    contexts,
    args,
    default: defaultValue,
    description,
    section,
    manualUrl: `https://httpd.apache.org/docs/2.4/mod/${module}.html#${name.toLowerCase()}`,
  };
}

export const DIRECTIVES: readonly DirectiveInfo[] = Object.entries(directiveRows).flatMap(
  ([module, rows]) => rows.map((row) => toInfo(row, module)),
);

const byLowerName = new Map<string, DirectiveInfo>();
for (const info of DIRECTIVES) {
  const key = info.name.toLowerCase();
  // A few names live in several MPM pages; the first (mpm_common) is the reference.
  if (!byLowerName.has(key)) byLowerName.set(key, info);
}

/** The table entry for a directive or section name, any case; undefined when unknown. */
export function lookupDirective(name: string): DirectiveInfo | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Module identifier (`ssl_module`) that provides a manual page's directives; null: always. */
export function moduleIdOf(module: string): string | null {
  if (module === 'core' || module === 'mpm_common') return null;
  if (module === 'event' || module === 'prefork' || module === 'worker') {
    return `mpm_${module}_module`;
  }
  return module.startsWith('mod_') ? `${module.slice(4)}_module` : `${module}_module`;
}

/**
 * Whether a directive (or, with `section`, a section) of that name exists with the given
 * modules loaded; as `<IfDirective>` / `<IfSection>` test it. Names outside this table
 * count as absent.
 */
export function isDirectiveAvailable(
  name: string,
  modules: ReadonlySet<string>,
  section: boolean,
): boolean {
  const info = lookupDirective(name);
  if (info === undefined || info.section !== section) return false;
  const id = moduleIdOf(info.module);
  return id === null || modules.has(id);
}
