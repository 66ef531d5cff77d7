/**
 * Issues what a config's missing certificate files need (`generate --for CONFIG` and the
 * file-missing quick fix): plans targets from the findings, picks the signing CA (one the
 * vhost trusts and whose key is in the workspace, else a new CA written under `caFolder`
 * with its key in a private folder of its own) and returns the files to write. Nothing is
 * written here; the caller hands the files to `writePlannedFiles`.
 */
import type { Finding } from '../findings';
import type { Topology } from '../model/types';
import {
  asIssuingCa,
  caPathsIn,
  generateForTargets,
  generateRootCa,
  loadIssuingCa,
  planCaFiles,
  type CaPaths,
  type IssuingCa,
  type KeyType,
  type PlannedFile,
} from '../pki/generate';
import type { PkiStore } from '../pki/types';
import { planMissingFiles, type GenerationPlan } from './generate-plan';
import { chooseSigningCa, findWorkspaceCas, trustedCaHashes } from './generate-signer';

export interface ConfigGenerationOptions {
  keyType: KeyType;
  /** Leaf validity in days. */
  days: number;
  /** Validity of a new CA in days. */
  caDays: number;
  /** Searched for an existing CA and its key (the project file's folder or the config's). */
  workspaceRoot: string;
  /** Where a new CA goes: `<caFolder>/ca/ca.crt` and `<caFolder>/ca-private/ca.key`. */
  caFolder: string;
  /** Only the file at this local path (and its certificate/key partner); null for all. */
  only?: string | null;
  pki: PkiStore;
}

/** Who signs: an existing CA (its paths) or a new one (where it is written). */
export interface SignerChoice {
  kind: 'existing' | 'new';
  paths: CaPaths;
}

export interface ConfigGeneration {
  plan: GenerationPlan;
  /** null when there was nothing to generate. */
  signer: SignerChoice | null;
  files: PlannedFile[];
}

async function signerFor(
  plan: GenerationPlan,
  options: ConfigGenerationOptions,
): Promise<{ signer: SignerChoice; ca: IssuingCa; caFiles: PlannedFile[] }> {
  const cas = findWorkspaceCas(options.workspaceRoot, options.pki);
  const existing = chooseSigningCa(cas, trustedCaHashes(plan.vhosts, options.pki));
  if (existing !== null) {
    const paths = { certificate: existing.certificate, key: existing.key };
    return { signer: { kind: 'existing', paths }, ca: await loadIssuingCa(paths), caFiles: [] };
  }
  const paths = caPathsIn(options.caFolder);
  const credential = await generateRootCa({
    keyType: options.keyType,
    days: options.caDays,
    subject: { commonName: 'httpd-mtls CA' },
  });
  return {
    signer: { kind: 'new', paths },
    ca: asIssuingCa(credential),
    caFiles: await planCaFiles(credential, paths),
  };
}

export async function generateForConfig(
  topology: Topology,
  findings: Finding[],
  options: ConfigGenerationOptions,
): Promise<ConfigGeneration> {
  const plan = planMissingFiles(topology, findings, options.only ?? null);
  if (plan.targets.length === 0) return { plan, signer: null, files: [] };

  const { signer, ca, caFiles } = await signerFor(plan, options);
  const targets = plan.targets.map(({ path, kind, names }) => ({ path, kind, names }));
  const leafFiles = await generateForTargets(targets, ca, {
    keyType: options.keyType,
    days: options.days,
  });
  return { plan, signer, files: [...caFiles, ...leafFiles] };
}
