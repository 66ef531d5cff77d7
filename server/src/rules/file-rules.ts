/**
 * `file-missing`: mod_ssl's phase-W check, run for every SSL file directive wherever it sits
 * (whether or not SSL ends up enabled there): a file must exist, be regular and non-empty;
 * a directory must exist. Paths Apache names that are not mapped to this machine are reported
 * once per folder, with the data a quick fix needs to add a path mapping.
 */
import { dirname } from 'node:path';
import { resolveServerPath } from '../config/paths';
import type { ConfigNode, DirectiveNode, LoadedConfig, SectionNode } from '../config/types';
import type { Finding } from '../findings';
import { atArgument } from './finding-helpers';
import type { RuleContext, RuleFamily } from './types';

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

function fileFindings(ctx: RuleContext): Finding[] {
  const config = ctx.topology.config;
  const findings: Finding[] = [];
  const unmappedFolders = new Map<string, Finding>();
  const stateOf = (path: string) => ctx.pki.pathKind(path);

  for (const { directive, wantsFile, deployedPath, localPath } of fileItems(config)) {
    const arg = directive.args[0];
    const state = stateOf(localPath);
    const ok = wantsFile ? state === 'file' : state === 'directory';
    if (ok) continue;

    const mapped = deployedPath !== localPath;
    const folder = dirname(deployedPath);
    if (!mapped && state === 'absent' && stateOf(dirname(localPath)) === 'absent') {
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
    const where = mapped ? ` (looked for ${localPath})` : '';
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

/** Items of a top-level section, for one way of resolving paths (ServerRoot, mappings). */
const sectionItems = new WeakMap<SectionNode, { resolution: string; items: FileItem[] }>();

/**
 * The file directives of the tree in order. Per top-level section they are kept while the
 * paths resolve alike: sections are immutable and reused across loads of an unchanged tree.
 */
function fileItems(config: LoadedConfig): FileItem[] {
  const resolution = `${config.serverRoot}\u0000${JSON.stringify(config.pathMappings)}`;
  const items: FileItem[] = [];
  for (const node of config.nodes) {
    if (node.kind === 'directive') {
      items.push(...itemsOf([node], config));
      continue;
    }
    let kept = sectionItems.get(node);
    if (kept === undefined || kept.resolution !== resolution) {
      kept = { resolution, items: itemsOf([node], config) };
      sectionItems.set(node, kept);
    }
    items.push(...kept.items);
  }
  return items;
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
