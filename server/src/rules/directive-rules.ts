/**
 * Directive-level checks against the directive table (config/directives.ts), as httpd 2.4's
 * config reader (server/config.c `invoke_cmd`, core.c `ap_check_cmd_context`) does them while
 * reading the config; `apachectl -t` catches all of these.
 * - `unknown-directive`: no loaded module defines the name (`Invalid command`).
 * - `directive-context`: the name is not allowed in the enclosing section.
 * - `argument`: see directive-arguments.ts.
 * Walks the effective tree (Include spliced, conditionals resolved) with the section stack.
 * Names outside the table are only reported when they are a near miss of a known name:
 * the table covers the modules a TLS reverse proxy meets, not every module that exists.
 */
import * as path from 'node:path';
import type { ConfigNode, DirectiveNode, SectionNode } from '../config/types';
import { walkDirectives } from './file-rules';
import {
  DIRECTIVES,
  SECTION_CONTEXTS,
  lookupDirective,
  moduleIdOf,
  type DirectiveContext,
  type DirectiveInfo,
} from '../config/directives';
import { addModule, identifierOf, sourceFileOf } from '../config/modules';
import type { Finding, Range } from '../findings';
import { argumentFindings } from './directive-arguments';
import { nearestName } from './nearest-name';
import type { RuleContext, RuleFamily } from './types';
import { changedPositions, flattened } from '../positions';
import { sameItems } from '../same-items';

const IF_SECTIONS = new Set(['if', 'elseif', 'else']);
const DIRECTORY_LIKE: readonly DirectiveContext[] = ['directory', 'location', 'files', 'proxy'];

/** Where a node sits: the context httpd checks, and the section that set it (null: top). */
interface Place {
  context: DirectiveContext | 'if';
  section: SectionNode | null;
}

const KNOWN_NAMES = DIRECTIVES.map((d) => (d.section ? `<${d.name}` : d.name));

export const directiveRules: RuleFamily = { config: directiveFindings };

/**
 * What a top-level section gave, by section: its findings under a module set (sorted names
 * joined), and the LoadModule arguments met inside it. Sections are immutable and reused
 * across loads of an unchanged tree, so a re-check walks only the sections that changed.
 */
const sectionResults = new WeakMap<
  SectionNode,
  { modules: string; findings: Finding[]; loads: string[] }
>();
const sectionModules = new WeakMap<SectionNode, string[]>();

/**
 * Module-set keys seen lately, so that equal keys are the same string: each section's kept
 * key is then compared by reference, not character by character.
 */
const recentKeys: string[] = [];

function internedKey(key: string): string {
  const known = recentKeys.find((recent) => recent === key);
  if (known !== undefined) return known;
  if (recentKeys.length >= 8) recentKeys.shift();
  recentKeys.push(key);
  return key;
}

/**
 * Kept between checks of one config (`RuleContext.keep`): the last check's top-level nodes
 * with, per position, the findings, the LoadModule names met and (sections) the module-set
 * key. A re-check where only sections without LoadModule changed redoes those alone.
 */
interface DirectivesMemo {
  last: {
    nodes: readonly ConfigNode[];
    /** The loader's module set as loading ended (LoadModule names included), in its order. */
    modules: string[];
    keys: (string | null)[];
    findingsAt: Finding[][];
    loadsAt: string[][];
  } | null;
}

const NO_FINDINGS: Finding[] = [];
const NO_LOADS: string[] = [];

function directiveFindings(ctx: RuleContext): Finding[] {
  const config = ctx.topology.config;
  const memo = ctx.keep?.('directives', (): DirectivesMemo => ({ last: null }));
  const initial = [...config.modules];
  const patched = memo?.last ? patchedFindings(memo.last, config.nodes, initial) : null;
  if (patched !== null) return patched;

  const findings: Finding[] = [];
  // Each LoadModule takes effect at its position: before it, its directives are unknown.
  const modules = new Set(config.modules);
  for (const name of loadedModules(config.nodes)) {
    const other = sourceFileOf(name) ?? identifierOf(name);
    modules.delete(name);
    if (other !== null) modules.delete(other);
  }
  let modulesKey: string | null = null;
  let loads: string[] = [];
  const load = (name: string): void => {
    addModule(modules, name);
    loads.push(name);
    modulesKey = null;
  };
  const last: NonNullable<DirectivesMemo['last']> = {
    nodes: config.nodes,
    modules: initial,
    keys: [],
    findingsAt: [],
    loadsAt: [],
  };

  for (const node of config.nodes) {
    const before = findings.length;
    loads = [];
    let key: string | null = null;
    if (node.kind === 'directive') {
      visit([node], null, modules, load, findings);
    } else {
      modulesKey ??= internedKey([...modules].sort().join(' '));
      key = modulesKey;
      const kept = sectionResults.get(node);
      if (kept !== undefined && kept.modules === key) {
        if (kept.findings.length > 0) findings.push(...kept.findings);
        for (const name of kept.loads) load(name);
      } else {
        visit([node], null, modules, load, findings);
        sectionResults.set(node, { modules: key, findings: findings.slice(before), loads });
      }
    }
    last.keys.push(key);
    last.findingsAt.push(findings.length === before ? NO_FINDINGS : findings.slice(before));
    last.loadsAt.push(loads.length === 0 ? NO_LOADS : loads);
  }
  if (memo !== undefined) memo.last = last;
  return findings;
}

/**
 * The findings when the nodes differ from last check's only in sections that load no module
 * (nor did the ones they replace) and the loader's modules are the same: each such section
 * is walked under the module set at its position; null when that does not hold.
 */
function patchedFindings(
  last: NonNullable<DirectivesMemo['last']>,
  nodes: readonly ConfigNode[],
  modules: string[],
): Finding[] | null {
  if (!sameItems(last.modules, modules)) return null;
  const changed = changedPositions(last.nodes, nodes);
  if (changed === null) return null;
  for (const index of changed) {
    const node = nodes[index];
    if (node.kind !== 'section' || last.loadsAt[index].length > 0) return null;
    if (last.keys[index] === null || namesLoadedIn(node).length > 0) return null;
  }
  for (const index of changed) {
    const node = nodes[index] as SectionNode;
    const key = last.keys[index] as string;
    let kept = sectionResults.get(node);
    if (kept === undefined || kept.modules !== key) {
      const findings: Finding[] = [];
      const set = new Set(key === '' ? [] : key.split(' '));
      visit([node], null, set, (name) => addModule(set, name), findings);
      kept = { modules: key, findings, loads: NO_LOADS };
      sectionResults.set(node, kept);
    }
    last.findingsAt[index] = kept.findings.length === 0 ? NO_FINDINGS : kept.findings;
  }
  last.nodes = nodes;
  return flattened(last.findingsAt);
}

/** Checks nodes (recursively) under `modules`, as met in config order; LoadModule calls `load`. */
function visit(
  nodes: readonly ConfigNode[],
  place: Place | null,
  modules: ReadonlySet<string>,
  load: (name: string) => void,
  findings: Finding[],
): void {
  for (const node of nodes) {
    const here = place ?? topPlace(node.file);
    const name = node.name;
    if (name.includes('$')) continue;
    if (node.kind === 'directive' && name.toLowerCase() === 'loadmodule' && node.args[0]) {
      load(node.args[0].value);
    }
    const info = lookupDirective(name);
    const known = info !== undefined && info.section === (node.kind === 'section');
    if (!known) {
      findings.push(...unknownName(node));
    } else if (!moduleLoaded(info, modules)) {
      findings.push(notLoaded(node, info));
    } else {
      findings.push(...contextFindings(node, info, here));
      if (node.kind === 'directive') findings.push(...argumentFindings(node, info));
    }
    if (node.kind !== 'section') continue;
    // A macro body is text until `Use` expands it; its words are not directives yet.
    if (name.toLowerCase() === 'macro') continue;
    visit(node.children, innerPlace(node, here), modules, load, findings);
  }
}

function topPlace(file: string): Place {
  const htaccess = path.basename(file).endsWith('.htaccess');
  return { context: htaccess ? 'htaccess' : 'server', section: null };
}

function innerPlace(section: SectionNode, outer: Place): Place {
  const lower = section.name.toLowerCase();
  const context = SECTION_CONTEXTS[lower];
  if (context !== undefined) return { context, section };
  if (IF_SECTIONS.has(lower)) return { context: 'if', section };
  return outer;
}

/** Names given to LoadModule anywhere in the effective tree. */
function loadedModules(nodes: readonly ConfigNode[]): string[] {
  const loaded: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'directive') {
      loaded.push(...loadModuleName(node));
      continue;
    }
    const names = namesLoadedIn(node);
    if (names.length > 0) loaded.push(...names);
  }
  return loaded;
}

/** Names given to LoadModule inside a section (kept per section). */
function namesLoadedIn(section: SectionNode): string[] {
  let names = sectionModules.get(section);
  if (names === undefined) {
    names = [...walkDirectives(section.children)].flatMap(loadModuleName);
    sectionModules.set(section, names);
  }
  return names;
}

function loadModuleName(node: DirectiveNode): string[] {
  const first = node.args[0];
  return node.name.toLowerCase() === 'loadmodule' && first ? [first.value] : [];
}

function moduleLoaded(info: DirectiveInfo, modules: ReadonlySet<string>): boolean {
  const id = moduleIdOf(info.module);
  return id === null || modules.has(id);
}

function nameRange(node: ConfigNode): Range {
  return node.kind === 'section' ? node.openRange : node.nameRange;
}

function spelled(node: ConfigNode): string {
  return node.kind === 'section' ? `<${node.name}>` : node.name;
}

/** Near misses only: a short name gets one edit, a longer one two. */
/** PEM armour read as a directive: a certificate or key file was included as config. */
const PEM_ARMOUR = /^-----(BEGIN|END)\b/;

function unknownName(node: ConfigNode): Finding[] {
  const written = node.kind === 'section' ? `<${node.name}` : node.name;
  const limit = node.name.length < 8 ? 1 : 2;
  const suggestion = nearestName(written, KNOWN_NAMES, limit);
  if (suggestion === null) {
    // No module defines a name like this: certain, not a guess. (Other odd names stay silent:
    // corpus trees hold flattened symlinks and install-time @@placeholders@@.)
    const line = node.kind === 'directive' ? [node.name, ...node.args.map((a) => a.raw)] : [];
    if (!PEM_ARMOUR.test(line.join(' '))) return [];
    return [
      {
        rule: 'unknown-directive',
        file: node.file,
        range: nameRange(node),
        message:
          `Invalid command '${written}': a PEM certificate or key file is read as config ` +
          '(an Include that names it?); httpd refuses to start.',
      },
    ];
  }
  const shown = suggestion.replace(/^</, '');
  return [
    {
      rule: 'unknown-directive',
      file: node.file,
      range: nameRange(node),
      message:
        `Invalid command '${written}', perhaps misspelled or defined by a module not ` +
        `included in the server configuration; did you mean '${suggestion}'?`,
      data: { suggestion: shown },
    },
  ];
}

function notLoaded(node: ConfigNode, info: DirectiveInfo): Finding {
  const id = moduleIdOf(info.module) ?? info.module;
  return {
    rule: 'unknown-directive',
    file: node.file,
    range: nameRange(node),
    message:
      `Invalid command '${spelled(node)}': it is defined by ${info.module}, which is ` +
      `not loaded here (LoadModule ${id} ...).`,
    data: { module: id },
  };
}

/** mod_proxy's own check: these refuse any <If>/<ElseIf>/<Else> around them. */
const NOT_IN_IF = new Set(['proxypass', 'proxypassmatch']);

function contextFindings(node: ConfigNode, info: DirectiveInfo, place: Place): Finding[] {
  const refusedInIf = place.context === 'if' && NOT_IN_IF.has(info.name.toLowerCase());
  if (!refusedInIf && allowed(info.contexts, place.context)) return [];
  const what = spelled(node);
  let message: string;
  if (refusedInIf && place.section !== null) {
    message = `${what} cannot occur within <${place.section.name}> section`;
  } else if (place.section === null) {
    message =
      place.context === 'htaccess'
        ? `${what} cannot occur within htaccess files`
        : `${what} not allowed here (only inside a section)`;
  } else if (info.contexts.length === 1 && info.contexts[0] === 'server') {
    message = `${what} cannot occur within <${place.section.name}> section`;
  } else {
    message = `${what} not allowed in <${place.section.name}> context`;
  }
  return [{ rule: 'directive-context', file: node.file, range: nameRange(node), message }];
}

function allowed(contexts: readonly DirectiveContext[], here: Place['context']): boolean {
  // <If> takes what the directory context takes (ACCESS_CONF); SSLProxy*'s <Proxy> allowance
  // is a context of its own (PROXY_CONF) that <If> does not give.
  if (here === 'if') return contexts.some((c) => c !== 'proxy' && DIRECTORY_LIKE.includes(c));
  return contexts.includes(here);
}
