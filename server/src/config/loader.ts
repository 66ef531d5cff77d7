/**
 * Phase R of Apache 2.4 (server/config.c `ap_build_config`, core.c EXEC_ON_READ handlers):
 * reads the main config and everything it includes, in order, and produces the effective
 * tree httpd walks:
 * - `${VAR}` is substituted in each directive name and word (a Define'd value first, then
 *   `options.env`); unknown names stay literal with an `undefined-variable` finding. Lines in
 *   a false conditional are substituted too (and warned about), as httpd does while skipping.
 * - `Define`/`UnDefine`/`ServerRoot`/`LoadModule` take effect at their position, global even
 *   inside sections; they stay in the tree, in place.
 * - Conditional sections are resolved: a true one's children replace it, a false one goes.
 * - `Include`/`IncludeOptional` stay in the tree, immediately followed by the included files'
 *   nodes (which keep their own `file`).
 * Never throws; files come from `options.files` first, then disk.
 */
import { readRegularText } from '../safe-read';
import * as path from 'node:path';
import type { Finding, Range } from '../findings';
import { evaluateCondition } from './conditions';
import { DISK_DIRECTORIES, expandInclude, hasWildcard } from './include-files';
import { indexesOf, type IncludedFiles, type KeptInclude } from './include-memo';
import { addModule, initialModules } from './modules';
import { parseConfigCached } from './parse-cache';
import { CONDITIONAL_SECTIONS } from './parser';
import { applyMappings, serverRootRelative } from './paths';
import type {
  ConfigNode,
  DirectiveNode,
  FileSource,
  LoadOptions,
  LoadedConfig,
  ParsedFile,
  SectionNode,
  TextChanges,
  Word,
} from './types';
import { substituteVariables } from './variables';

/** httpd's AP_MAX_INCLUDE_DEPTH. */
const MAX_INCLUDE_DEPTH = 128;
const DEFAULT_SERVER_ROOT = '/etc/apache2';

interface Frame {
  nodes: readonly ConfigNode[];
  next: number;
  /** Where this frame's effective nodes go. */
  out: ConfigNode[];
  /** Local paths of the files being included, outermost (the entry) first. */
  includeChain: readonly string[];
}

function readText(file: string, options: LoadOptions): string | Error {
  const buffered = options.files?.readText(file);
  if (buffered !== undefined) return buffered;
  return readRegularText(file);
}

function errnoText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return code ?? error.message;
}

class Loader {
  readonly findings: Finding[] = [];
  readonly files: string[] = [];
  readonly wanted: string[] = [];
  readonly defines: Map<string, string | null>;
  readonly modules: Set<string>;
  private readonly env: Record<string, string>;
  private serverRootInForce: string;
  lastServerRoot: string | null = null;
  private sawLoadModule = false;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly entry: string,
    private readonly options: LoadOptions,
  ) {
    this.defines = new Map(Object.entries(options.defines ?? {}));
    this.modules = initialModules(options.modules);
    this.env = options.env ?? {};
    this.serverRootInForce = options.serverRoot ?? DEFAULT_SERVER_ROOT;
  }

  load(): ConfigNode[] {
    const root: ConfigNode[] = [];
    const text = readText(this.entry, this.options);
    if (text instanceof Error) {
      const message = `Could not open configuration file ${this.entry}: ${errnoText(text)}`;
      this.report('include-missing', this.entry, { start: zero(), end: zero() }, message);
      return root;
    }
    const { nodes } = this.parseFile(this.entry, text);
    this.stack.push({ nodes, next: 0, out: root, includeChain: [this.entry] });
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1];
      const node = frame.nodes[frame.next++];
      if (node === undefined) this.stack.pop();
      else if (node.kind === 'directive') this.directive(node, frame);
      else this.section(node, frame);
    }
    return root;
  }

  /** Parses and records a file (in read order). */
  private parseFile(file: string, text: string): ParsedFile {
    const parsed = parseConfigCached(text, file);
    this.files.push(file);
    for (const finding of parsed.findings) this.findings.push(finding);
    return parsed;
  }

  private substitute(text: string, file: string, at: Range): string {
    const result = substituteVariables(text, this.defines, this.env);
    for (const name of result.undefinedNames) {
      this.report('undefined-variable', file, at, `Config variable \${${name}} is not defined`);
    }
    return result.text;
  }

  private words(args: readonly Word[], file: string): Word[] {
    return args.map((word) => ({ ...word, value: this.substitute(word.value, file, word.range) }));
  }

  private directive(node: DirectiveNode, frame: Frame): void {
    const effective = this.effectiveDirective(node);
    frame.out.push(effective);

    const name = effective.name;
    const first = effective.args[0];
    if (first === undefined) return;
    switch (name.toLowerCase()) {
      case 'define':
        if (first.value.includes(':')) {
          const message = "Variable name must not contain ':'";
          this.report('argument', node.file, first.range, message);
        } else {
          this.defines.set(first.value, effective.args[1]?.value ?? null);
        }
        break;
      case 'undefine':
        this.defines.delete(first.value);
        break;
      case 'serverroot':
        this.serverRootInForce = this.serverRootValue(first.value);
        this.lastServerRoot = this.serverRootInForce;
        break;
      case 'loadmodule':
        // A config that loads modules names them all: the assumed Debian set was a guess.
        if (this.options.modules === undefined && !this.sawLoadModule) {
          this.modules.clear();
          for (const name of initialModules([])) this.modules.add(name);
        }
        this.sawLoadModule = true;
        addModule(this.modules, first.value);
        break;
      case 'include':
      case 'includeoptional':
        this.include(effective, first, name.toLowerCase() === 'includeoptional', frame);
        break;
    }
  }

  /**
   * The directive with its variables substituted. Without `${` it is the parsed node itself;
   * with them, the copy made for the same values last time, so that a re-load of an unchanged
   * tree yields the same objects (the model and rules key their caches on them).
   */
  private effectiveDirective(node: DirectiveNode): DirectiveNode {
    if (!hasOwnVariables(node)) return node;
    const name = this.substitute(node.name, node.file, node.nameRange);
    const args = this.words(node.args, node.file);
    const previous = substitutedCopies.get(node);
    if (
      previous !== undefined &&
      previous.name === name &&
      previous.args.every((word, index) => word.value === args[index].value)
    ) {
      return previous;
    }
    const effective: DirectiveNode = { ...node, name, args };
    substitutedCopies.set(node, effective);
    return effective;
  }

  /** A relative ServerRoot is taken against the main config's folder (httpd: its cwd). */
  private serverRootValue(value: string): string {
    if (value.startsWith('/')) return path.posix.normalize(value);
    return path.resolve(path.dirname(this.entry), value);
  }

  private include(node: DirectiveNode, target: Word, optional: boolean, frame: Frame): void {
    const deployed = serverRootRelative(this.serverRootInForce, target.value);
    const local = path.resolve(applyMappings(deployed, this.options.pathMappings ?? []));
    const directories = this.options.directories ?? DISK_DIRECTORIES;
    const memo = this.options.includeMemo;
    const chain = frame.includeChain;
    const kept = memo?.lookup(node, local, optional, chain, directories) ?? null;
    const again = kept === null ? null : this.readAgain(kept);
    if (again !== null) {
      this.append(again, frame);
      return;
    }

    const hasBuffer = (file: string) => this.options.files?.readText(file) !== undefined;
    const expansion = expandInclude(local, optional, hasBuffer, directories);
    if (!hasWildcard(local) && !expansion.files.includes(local)) this.wanted.push(local);
    for (const error of expansion.errors) {
      this.report('include-missing', node.file, target.range, `Include/IncludeOptional: ${error}`);
    }

    const read: IncludedFiles = { files: [], texts: [], nodes: [], findings: [] };
    let complete = expansion.errors.length === 0;
    for (const file of expansion.files) {
      if (chain.includes(file) || chain.length >= MAX_INCLUDE_DEPTH) {
        const message =
          `Exceeded maximum include depth of ${MAX_INCLUDE_DEPTH}, ` +
          `There appears to be a recursion. (${file})`;
        this.report('include-missing', node.file, target.range, message);
        complete = false;
        continue;
      }
      const text = readText(file, this.options);
      if (text instanceof Error) {
        const message = `Could not open configuration file ${file}: ${errnoText(text)}`;
        this.report('include-missing', node.file, target.range, message);
        this.wanted.push(file);
        complete = false;
        continue;
      }
      const parsed = this.parseFile(file, text);
      read.files.push(file);
      read.texts.push(text);
      read.nodes.push(parsed.nodes);
      read.findings.push(parsed.findings);
    }
    // Files the loader would pass through unchanged are appended as they are (a site file of
    // <VirtualHost> sections); walking them one frame at a time gives the same nodes.
    if (read.nodes.every(isInertFile)) {
      for (const nodes of read.nodes) for (const child of nodes) frame.out.push(child);
      if (complete) {
        memo?.keep(node, local, optional, chain, directories, read, this.steadyToken(read.files));
      }
      return;
    }
    // The stack is LIFO: push the last file first so the first is read first.
    for (let index = read.files.length - 1; index >= 0; index--) {
      this.stack.push({
        nodes: read.nodes[index],
        next: 0,
        out: frame.out,
        includeChain: [...chain, read.files[index]],
      });
    }
  }

  /**
   * The files of a kept Include read again: unchanged texts keep their nodes, changed ones are
   * parsed; null when a file has no text now or is no longer inert (then expand as usual).
   * When every file was steady (`TextChanges`), only those named since are read.
   */
  private readAgain(kept: KeptInclude): IncludedFiles | null {
    const changes = this.options.files?.changes;
    const named = kept.token === null || changes === undefined ? 'all' : changes.since(kept.token);
    const indexes = named === 'all' ? null : indexesOf(kept, named);
    const count = indexes === null ? kept.files.length : indexes.length;
    const changed: { index: number; text: string; parsed: ParsedFile }[] = [];
    let steady = changes !== undefined;
    for (let at = 0; at < count; at++) {
      const index = indexes === null ? at : indexes[at];
      const file = kept.files[index];
      const text = readText(file, this.options);
      if (text instanceof Error) return null;
      if (steady && !changes?.steady(file)) steady = false;
      if (text === kept.texts[index]) continue;
      const parsed = parseConfigCached(text, file);
      if (!isInertFile(parsed.nodes)) return null;
      changed.push({ index, text, parsed });
    }
    for (const { index, text, parsed } of changed) {
      kept.texts[index] = text;
      kept.nodes[index] = parsed.nodes;
      kept.findings[index] = parsed.findings;
    }
    // Files not read now were steady and unnamed, so they still are.
    kept.token = steady ? (changes as TextChanges).token() : null;
    return kept;
  }

  /** The source's token when every one of these files reads steady; else null. */
  private steadyToken(files: string[]): number | null {
    const changes = this.options.files?.changes;
    if (changes === undefined || !files.every((file) => changes.steady(file))) return null;
    return changes.token();
  }

  /** Records the files of an Include read again and appends their nodes, in order. */
  private append(read: IncludedFiles, frame: Frame): void {
    // Index loops: an iterator per file adds up over a thousand site files.
    for (let index = 0; index < read.files.length; index++) {
      this.files.push(read.files[index]);
      const findings = read.findings[index];
      for (let at = 0; at < findings.length; at++) this.findings.push(findings[at]);
      const nodes = read.nodes[index];
      for (let at = 0; at < nodes.length; at++) frame.out.push(nodes[at]);
    }
  }

  private section(node: SectionNode, frame: Frame): void {
    // A section with nothing the loader acts on inside is already its effective self.
    if (isInert(node)) {
      frame.out.push(node);
      return;
    }
    const name = this.substitute(node.name, node.file, node.nameRange);
    const args = this.words(node.args, node.file);
    const lower = name.toLowerCase();

    if (!CONDITIONAL_SECTIONS.has(lower)) {
      const effective: SectionNode = { ...node, name, args, children: [] };
      frame.out.push(effective);
      this.stack.push({ ...frame, nodes: node.children, next: 0, out: effective.children });
      return;
    }

    const argument = args[0]?.value;
    if (argument === undefined || argument === '') {
      const message = `<${name}> directive requires additional arguments`;
      this.report('syntax', node.file, node.openRange, message);
      return;
    }
    const holds = evaluateCondition(lower, argument, {
      modules: this.modules,
      defines: this.defines,
      serverRoot: this.serverRootInForce,
      pathMappings: this.options.pathMappings ?? [],
      files: this.options.files,
    });
    if (holds) {
      this.stack.push({ ...frame, nodes: node.children, next: 0 });
      return;
    }
    if (node.closeRange === null) {
      const message = `Expected </${name}> before end of configuration`;
      this.report('syntax', node.file, node.openRange, message);
    }
    this.warnSkipped(node.children);
  }

  /** httpd substitutes (and warns about) variables on lines it skips, too. */
  private warnSkipped(children: readonly ConfigNode[]): void {
    const pending = [...children].reverse();
    while (pending.length > 0) {
      const node = pending.pop() as ConfigNode;
      this.substitute(node.name, node.file, node.nameRange);
      this.words(node.args, node.file);
      if (node.kind === 'section') pending.push(...[...node.children].reverse());
    }
  }

  private report(rule: Finding['rule'], file: string, at: Range, message: string): void {
    this.findings.push({ rule, file, range: at, message });
  }
}

/** Substituted copies of parsed directives, by parsed node (see `effectiveDirective`). */
const substitutedCopies = new WeakMap<DirectiveNode, DirectiveNode>();
const inertSections = new WeakMap<SectionNode, boolean>();

/** Directives the loader acts on (besides substituting), and that must be walked. */
const LOADER_DIRECTIVES = new Set([
  'define',
  'undefine',
  'serverroot',
  'loadmodule',
  'include',
  'includeoptional',
]);

const inertFiles = new WeakMap<readonly ConfigNode[], boolean>();

/** Every top-level node of a parsed file loads as itself (see `isInert`), kept per file. */
function isInertFile(nodes: readonly ConfigNode[]): boolean {
  let inert = inertFiles.get(nodes);
  if (inert === undefined) {
    inert = nodes.every((node) =>
      node.kind === 'section'
        ? isInert(node)
        : !hasOwnVariables(node) && !LOADER_DIRECTIVES.has(node.name.toLowerCase()),
    );
    inertFiles.set(nodes, inert);
  }
  return inert;
}

function hasOwnVariables(node: ConfigNode): boolean {
  return node.name.includes('${') || node.args.some((word) => word.value.includes('${'));
}

/**
 * True when loading leaves the section as parsed: no variables, no conditional sections and no
 * directive with an effect (Define, Include, ...) anywhere inside. Parsed nodes are shared and
 * never changed (parse-cache.ts), so the answer is kept per node. Iterative: sections may nest
 * thousands deep.
 */
function isInert(root: SectionNode): boolean {
  const stack: { section: SectionNode; expanded: boolean }[] = [{ section: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (inertSections.has(top.section)) {
      stack.pop();
    } else if (!top.expanded) {
      top.expanded = true;
      for (const child of top.section.children) {
        if (child.kind === 'section') stack.push({ section: child, expanded: false });
      }
    } else {
      stack.pop();
      const section = top.section;
      const inert =
        !hasOwnVariables(section) &&
        !CONDITIONAL_SECTIONS.has(section.name.toLowerCase()) &&
        section.children.every((child) =>
          child.kind === 'section'
            ? inertSections.get(child) === true
            : !hasOwnVariables(child) && !LOADER_DIRECTIVES.has(child.name.toLowerCase()),
        );
      inertSections.set(section, inert);
    }
  }
  return inertSections.get(root) === true;
}

function zero() {
  return { line: 0, character: 0 };
}

/** Loads `entry` (a local path) as httpd would read it. See the file comment. */
/**
 * A source answering each path once per load: include expansion asks whether a path has
 * text before the loader reads it, which read every included file twice.
 */
function readOnce(source: FileSource): FileSource {
  const texts = new Map<string, string | undefined>();
  return {
    readText(file) {
      if (texts.has(file)) return texts.get(file);
      const text = source.readText(file);
      texts.set(file, text);
      return text;
    },
    changes: source.changes,
  };
}

export function loadConfig(entry: string, options: LoadOptions = {}): LoadedConfig {
  const absoluteEntry = path.resolve(entry);
  const files = options.files === undefined ? undefined : readOnce(options.files);
  const loader = new Loader(absoluteEntry, files === undefined ? options : { ...options, files });
  let nodes: ConfigNode[] = [];
  try {
    nodes = loader.load();
  } catch (error) {
    const message = `Internal loader error: ${error instanceof Error ? error.message : error}`;
    loader.findings.push({ rule: 'syntax', file: absoluteEntry, range: range0(), message });
  }
  return {
    entry: absoluteEntry,
    nodes,
    serverRoot: loader.lastServerRoot ?? options.serverRoot ?? DEFAULT_SERVER_ROOT,
    files: loader.files,
    wanted: loader.wanted,
    modules: loader.modules,
    defines: loader.defines,
    pathMappings: options.pathMappings ?? [],
    findings: loader.findings,
  };
}

function range0(): Range {
  return { start: zero(), end: zero() };
}
