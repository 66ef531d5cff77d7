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

function directiveFindings(ctx: RuleContext): Finding[] {
  const config = ctx.topology.config;
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

  const visit = (nodes: readonly ConfigNode[], place: Place | null): void => {
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
      const lower = name.toLowerCase();
      // A macro body is text until `Use` expands it; its words are not directives yet.
      if (lower === 'macro') continue;
      visit(node.children, innerPlace(node, here));
    }
  };

  for (const node of config.nodes) {
    if (node.kind === 'directive') {
      visit([node], null);
      continue;
    }
    modulesKey ??= internedKey([...modules].sort().join(' '));
    const key: string = modulesKey;
    const kept = sectionResults.get(node);
    if (kept !== undefined && kept.modules === key) {
      if (kept.findings.length > 0) findings.push(...kept.findings);
      for (const name of kept.loads) load(name);
      continue;
    }
    const before = findings.length;
    loads = [];
    visit([node], null);
    sectionResults.set(node, { modules: key, findings: findings.slice(before), loads });
  }
  return findings;
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
    let names = sectionModules.get(node);
    if (names === undefined) {
      names = [...walkDirectives(node.children)].flatMap(loadModuleName);
      sectionModules.set(node, names);
    }
    if (names.length > 0) loaded.push(...names);
  }
  return loaded;
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

function contextFindings(node: ConfigNode, info: DirectiveInfo, place: Place): Finding[] {
  if (allowed(info.contexts, place.context)) return [];
  const what = spelled(node);
  let message: string;
  if (place.section === null) {
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
  // <If> is directory-like in httpd; its finer checks (e.g. ProxyPass) are not modelled.
  if (here === 'if') return contexts.some((c) => DIRECTORY_LIKE.includes(c));
  return contexts.includes(here);
}
