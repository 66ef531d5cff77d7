/**
 * `file-missing`: mod_ssl's phase-W check, run for every SSL file directive wherever it sits
 * (whether or not SSL ends up enabled there): a file must exist, be regular and non-empty;
 * a directory must exist. Paths Apache names that are not mapped to this machine are reported
 * once per folder, with the data a quick fix needs to add a path mapping.
 */
import { dirname } from 'node:path';
import { resolveServerPath } from '../config/paths';
import type { ConfigNode, DirectiveNode, LoadedConfig } from '../config/types';
import type { Finding } from '../findings';
import { atArgument } from './finding-helpers';
import { nothingReadChanged, RecordedReads } from '../pki/recorded-reads';
import type { PathKind, PkiStore } from '../pki/types';
import type { RuleContext, RuleFamily } from './types';
import { patchPositional, positional, type Positional } from '../positions';

const FILE_DIRECTIVES = new Set([
  'sslcertificatefile',
  'sslcertificatekeyfile',
  'sslcertificatechainfile',
  'sslcacertificatefile',
  'sslcadnrequestfile',
  'sslcarevocationfile',
  'sslproxycacertificatefile',
  'sslproxycarevocationfile',
  'sslproxymachinecertificatefile',
  'sslproxymachinecertificatechainfile',
]);

const DIRECTORY_DIRECTIVES = new Set([
  'sslcacertificatepath',
  'sslcadnrequestpath',
  'sslcarevocationpath',
  'sslproxycacertificatepath',
  'sslproxycarevocationpath',
  'sslproxymachinecertificatepath',
]);

export const fileRules: RuleFamily = { config: fileFindings };

/** An item whose path is not what its directive needs; `unmapped`: its folder is absent too. */
interface Problem {
  item: FileItem;
  state: PathKind;
  unmapped: boolean;
}

/** Per top-level node, kept between checks: its problems and the path kinds they came from. */
interface NodeEntry {
  items: FileItem[];
  reads: RecordedReads;
  problems: Problem[];
}

/** One top-level node's problems, and its entry when kept. */
interface AtNode {
  entry: NodeEntry | null;
  problems: Problem[];
}

/**
 * Kept between checks: per top-level node (section or directive) its problems and the path
 * kinds they came from, and the last check's top-level nodes with their entries by position.
 * While nothing read changed, a re-check redoes only the positions that hold another node
 * and those whose answers were not all trusted (`positions.ts` `patchPositional`).
 */
interface FilesMemo {
  nodes: WeakMap<ConfigNode, NodeEntry>;
  last: { positions: Positional<ConfigNode, AtNode>; resolution: string; token: number } | null;
}

const NO_PROBLEMS: Problem[] = [];

function fileFindings(ctx: RuleContext): Finding[] {
  const config = ctx.topology.config;
  const memo = ctx.keep?.('files', (): FilesMemo => ({ nodes: new WeakMap(), last: null }));
  const changes = ctx.changes;
  const last = memo?.last ?? null;
  const resolution = resolutionOf(config);
  const quiet =
    changes !== undefined &&
    last !== null &&
    last.resolution === resolution &&
    nothingReadChanged(changes, last.token);
  const token = changes?.token() ?? 0;
  const at = (node: ConfigNode, previous: AtNode | null) => {
    const entry = memo === undefined ? null : nodeEntry(node, previous?.entry ?? null);
    const problems = entry?.problems ?? problemsOf(itemsOfNode(node, config), ctx.pki);
    const kept = { entry, problems: problems.length === 0 ? NO_PROBLEMS : problems };
    return { entry: kept, redo: entry === null || !entry.reads.trustedOnly };
  };
  /** The node's entry: `previous` while all its answers were trusted, else looked up. */
  const nodeEntry = (node: ConfigNode, previous: NodeEntry | null): NodeEntry => {
    if (previous !== null && previous.reads.trustedOnly) return previous;
    const nodes = (memo as FilesMemo).nodes;
    const items = itemsOfNode(node, config);
    let entry = nodes.get(node);
    if (entry === undefined || entry.items !== items || !entry.reads.stillSame(ctx.pki)) {
      const reads = new RecordedReads(changes);
      entry = { items, reads, problems: problemsOf(items, reads.recording(ctx.pki)) };
      nodes.set(node, entry);
    }
    return entry;
  };

  let positions: Positional<ConfigNode, AtNode>;
  if (quiet && patchPositional(last.positions, config.nodes, at)) {
    positions = last.positions;
  } else {
    positions = positional(config.nodes, at, quiet ? last.positions : null);
  }
  if (memo !== undefined) memo.last = { positions, resolution, token };
  const problems: Problem[] = [];
  for (const kept of positions.entries) {
    for (let at = 0; at < kept.problems.length; at++) problems.push(kept.problems[at]);
  }
  return problemFindings(problems);
}

function problemsOf(items: FileItem[], pki: PkiStore): Problem[] {
  const problems: Problem[] = [];
  for (const item of items) {
    const state = pki.pathKind(item.localPath);
    if (item.wantsFile ? state === 'file' : state === 'directory') continue;
    const unmapped =
      item.deployedPath === item.localPath &&
      state === 'absent' &&
      pki.pathKind(dirname(item.localPath)) === 'absent';
    problems.push({ item, state, unmapped });
  }
  return problems;
}

/** Unmapped paths are reported once per folder, the later ones as related locations. */
function problemFindings(problems: Problem[]): Finding[] {
  const findings: Finding[] = [];
  const unmappedFolders = new Map<string, Finding>();
  for (const { item, unmapped } of problems) {
    const { directive, wantsFile, deployedPath, localPath } = item;
    const arg = directive.args[0];
    const folder = dirname(deployedPath);
    if (unmapped) {
      const existing = unmappedFolders.get(folder);
      if (existing) {
        existing.related?.push({ file: directive.file, range: arg.range, message: deployedPath });
        continue;
      }
      const finding = atArgument(
        'file-missing',
        directive,
        0,
        `${folder} does not exist on this machine, so ${directive.name} '${deployedPath}' ` +
          'cannot be checked; httpd would refuse to start here (AH00526). ' +
          'Map the folder to a local copy (pathMappings) to check the files.',
        { related: [], data: { fix: 'add-path-mapping', folder, deployedPath } },
      );
      unmappedFolders.set(folder, finding);
      findings.push(finding);
      continue;
    }

    const what = wantsFile
      ? `file '${deployedPath}' does not exist or is empty`
      : `directory '${deployedPath}' does not exist`;
    const where = deployedPath !== localPath ? ` (looked for ${localPath})` : '';
    findings.push(
      atArgument(
        'file-missing',
        directive,
        0,
        `${directive.name}: ${what}${where}. httpd refuses to start: AH00526.`,
        {
          data: {
            fix: 'generate-file',
            directive: directive.name,
            deployedPath,
            localPath,
            isDirectory: !wantsFile,
          },
        },
      ),
    );
  }
  return findings;
}

/** An SSL file directive with its path resolved. */
interface FileItem {
  directive: DirectiveNode;
  wantsFile: boolean;
  deployedPath: string;
  localPath: string;
}

/** Items of a top-level node, for one way of resolving paths (ServerRoot, mappings). */
const nodeItems = new WeakMap<ConfigNode, { resolution: string; items: FileItem[] }>();

/**
 * The file directives of a top-level node, kept while the paths resolve alike: nodes are
 * immutable and reused across loads of an unchanged tree.
 */
function itemsOfNode(node: ConfigNode, config: LoadedConfig): FileItem[] {
  const resolution = resolutionOf(config);
  let kept = nodeItems.get(node);
  if (kept === undefined || kept.resolution !== resolution) {
    kept = { resolution, items: itemsOf([node], config) };
    nodeItems.set(node, kept);
  }
  return kept.items;
}

const resolutions = new WeakMap<LoadedConfig, string>();

/** How paths resolve in this config: ServerRoot and path mappings. */
function resolutionOf(config: LoadedConfig): string {
  let resolution = resolutions.get(config);
  if (resolution === undefined) {
    resolution = `${config.serverRoot}\u0000${JSON.stringify(config.pathMappings)}`;
    resolutions.set(config, resolution);
  }
  return resolution;
}

function itemsOf(nodes: ConfigNode[], config: LoadedConfig): FileItem[] {
  const items: FileItem[] = [];
  for (const directive of walkDirectives(nodes)) {
    const name = directive.name.toLowerCase();
    const wantsFile = FILE_DIRECTIVES.has(name);
    if (!wantsFile && !DIRECTORY_DIRECTIVES.has(name)) continue;
    const arg = directive.args[0];
    if (!arg) continue;
    // PKCS#11 URIs name tokens, not files (2.4.42+).
    if (/^pkcs11:/i.test(arg.value) && name.startsWith('sslcertificate')) continue;
    items.push({ directive, wantsFile, ...resolveServerPath(config, arg.value) });
  }
  return items;
}

/** Every directive of the effective tree, in order, without recursion (deep trees are fine). */
export function* walkDirectives(nodes: ConfigNode[]): Generator<DirectiveNode> {
  const stack: ConfigNode[] = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as ConfigNode;
    if (node.kind === 'directive') {
      yield node;
      continue;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
}
