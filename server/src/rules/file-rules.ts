/**
 * `file-missing`: mod_ssl's phase-W check, run for every SSL file directive wherever it sits
 * (whether or not SSL ends up enabled there): a file must exist, be regular and non-empty;
 * a directory must exist. Paths Apache names that are not mapped to this machine are reported
 * once per folder, with the data a quick fix needs to add a path mapping.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveServerPath } from '../config/paths';
import type { ConfigNode, DirectiveNode } from '../config/types';
import type { Finding } from '../findings';
import { atArgument } from './finding-helpers';
import type { RuleContext } from './types';

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

export function fileRules(ctx: RuleContext): Finding[] {
  const config = ctx.topology.config;
  const findings: Finding[] = [];
  const unmappedFolders = new Map<string, Finding>();
  // Many directives name the same file (a shared CA in every vhost): one stat per path.
  const states = new Map<string, PathState>();
  const stateOf = (path: string): PathState => {
    let state = states.get(path);
    if (state === undefined) {
      state = pathState(path);
      states.set(path, state);
    }
    return state;
  };

  for (const directive of walkDirectives(config.nodes)) {
    const name = directive.name.toLowerCase();
    const wantsFile = FILE_DIRECTIVES.has(name);
    if (!wantsFile && !DIRECTORY_DIRECTIVES.has(name)) continue;
    const arg = directive.args[0];
    if (!arg) continue;
    // PKCS#11 URIs name tokens, not files (2.4.42+).
    if (/^pkcs11:/i.test(arg.value) && name.startsWith('sslcertificate')) continue;

    const { deployedPath, localPath } = resolveServerPath(config, arg.value);
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

type PathState = 'file' | 'empty' | 'directory' | 'other' | 'absent';

function pathState(path: string): PathState {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return 'directory';
    if (!stat.isFile()) return 'other';
    return stat.size > 0 ? 'file' : 'empty';
  } catch {
    return 'absent';
  }
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
