/**
 * Public API of the certificate generator, for `cli-generate.ts`, the code action that
 * generates a missing file, and the oracle harness.
 */
export { KEY_TYPES } from './types';
export type {
  IssuedCredential,
  IssuingCa,
  KeyType,
  PlannedFile,
  Profile,
  SubjectFields,
} from './types';
export {
  caPathsIn,
  generateIntermediateCa,
  generateRootCa,
  loadIssuingCa,
  planCaFiles,
} from './ca-files';
export type { CaOptions, CaPaths } from './ca-files';
export { asIssuingCa, issueCertificate } from './issue-certificate';
export { generateForTargets } from './targets';
export type { GenerationOptions, GenerationTarget, TargetKind } from './targets';
export { generateSeedPki, seedTargets } from './seed-pki';
export type { SeedNames, SeedOptions } from './seed-pki';
export { colonFingerprint } from './pem-encoding';
export { generatedPkcs12Password } from './pkcs12';
