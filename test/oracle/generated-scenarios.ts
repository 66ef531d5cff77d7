/**
 * The generated oracle table: each row is a variant of the tutorial's setup (BASE_SETUP plus
 * changes), what Apache 2.4.71 + OpenSSL 3.0 (Debian 12) does with it, and the rule that must
 * predict a failure. Sections follow docs research/apache-semantics.md (3: depth, 4: the
 * machine bundle rows, 5: peer names).
 */
import type { RuleId } from '../../server/src/findings';
import { BASE_SETUP, cat, type FileMaker, type Setup } from './generated-setup';
import type { ExpectedHttpd } from './scenarios';

export interface GeneratedScenario {
  name: string;
  setup: Setup;
  httpd: ExpectedHttpd;
  /** The error rule that predicts httpd's failure; null when httpd serves the 201. */
  rule: RuleId | null;
  /** A known checker gap: the agreement test runs but is reported as todo, with this reason. */
  checkerGap?: string;
}

/** Marks a row the checker does not predict yet (none is marked now; kept for new rows). */
export function gap(scenario: GeneratedScenario, reason: string): GeneratedScenario {
  return { ...scenario, checkerGap: reason };
}

const served: ExpectedHttpd = { configtestOk: true, started: true, httpStatus: 201, ahCodes: [] };
const status = (httpStatus: number | null, ahCodes: string[] = []): ExpectedHttpd => ({
  configtestOk: true,
  started: true,
  httpStatus,
  ahCodes,
});
const noStart = (ahCodes: string[]): ExpectedHttpd => ({
  configtestOk: true,
  started: false,
  httpStatus: null,
  ahCodes,
});
const configtestFails: ExpectedHttpd = {
  configtestOk: false,
  started: false,
  httpStatus: null,
  ahCodes: [],
};

function row(
  name: string,
  change: Partial<Setup>,
  httpd: ExpectedHttpd,
  rule: RuleId | null,
): GeneratedScenario {
  return { name, setup: { ...BASE_SETUP, ...change }, httpd, rule };
}

/** A chain shape of research section 3: certificates in the peer's file and the CA file. */
interface ChainShape {
  name: string;
  /** Certificates OpenSSL builds, leaf and anchor included (C in section 3). */
  length: number;
  leaf: string;
  sentChain: string[];
  extraAnchor: string[];
}

function shapes(prefix: 'client' | 'backend'): ChainShape[] {
  return [
    {
      name: 'self-signed',
      length: 1,
      leaf: `${prefix}-self`,
      sentChain: [],
      extraAnchor: [`${prefix}-self.crt`],
    },
    {
      name: 'root',
      length: 2,
      leaf: prefix === 'client' ? 'client-root' : 'backend',
      sentChain: [],
      extraAnchor: [],
    },
    { name: 'int1', length: 3, leaf: `${prefix}-int1`, sentChain: ['int1.crt'], extraAnchor: [] },
    {
      name: 'int2',
      length: 4,
      leaf: `${prefix}-int2`,
      sentChain: ['int2.crt', 'int1.crt'],
      extraAnchor: [],
    },
  ];
}

function depthRows(): GeneratedScenario[] {
  const rows: GeneratedScenario[] = [];
  for (const depth of [0, 1, 2, 3]) {
    for (const shape of shapes('client')) {
      const accepted = shape.length - 1 <= depth;
      rows.push(
        row(
          `client-depth-${depth}-${shape.name}`,
          {
            verifyDepth: depth,
            clientCa: cat('root.crt', ...shape.extraAnchor),
            client: {
              certificate: cat(`${shape.leaf}.crt`, ...shape.sentChain),
              key: cat(`${shape.leaf}.key`),
            },
          },
          accepted ? served : status(null, ['AH02040']),
          accepted ? null : 'verify-depth',
        ),
      );
    }
    for (const shape of shapes('backend')) {
      const accepted = shape.length - 1 <= depth;
      rows.push(
        row(
          `proxy-depth-${depth}-${shape.name}`,
          {
            proxyDepth: depth,
            proxyCa: cat('root.crt', ...shape.extraAnchor),
            backend: {
              certificate: cat(`${shape.leaf}.crt`, ...shape.sentChain),
              key: cat(`${shape.leaf}.key`),
            },
          },
          accepted ? served : status(500, ['AH02040']),
          accepted ? null : 'proxy-verify-depth',
        ),
      );
    }
  }
  return rows;
}

const text =
  (value: string): FileMaker =>
  () =>
    Buffer.from(value);
const glued =
  (first: string, second: string): FileMaker =>
  (pki) =>
    Buffer.from(`${pki(first).toString().trimEnd()}${pki(second).toString()}`);
const crlf =
  (maker: FileMaker): FileMaker =>
  (pki) =>
    Buffer.from(maker(pki).toString().replace(/\n/g, '\r\n'));
const bagAttributes =
  (maker: FileMaker): FileMaker =>
  (pki) =>
    Buffer.from(`Bag Attributes\n    friendlyName: apache\n${maker(pki).toString()}`);

/** Research section 4, rows 1-22 where an EC PKI can show them. */
function bundleRows(): GeneratedScenario[] {
  const bundle = (name: string, maker: FileMaker, httpd: ExpectedHttpd, rule: RuleId | null) =>
    row(`bundle-${name}`, { machineBundle: maker }, httpd, rule);
  return [
    bundle('01-cert-pkcs8', cat('proxy.crt', 'proxy.key'), served, null),
    bundle('04-pkcs8-then-cert', cat('proxy.key', 'proxy.crt'), served, null),
    bundle('05-cert-sec1', cat('proxy.crt', 'proxy-sec1.key'), served, null),
    bundle('03-sec1-then-cert', cat('proxy-sec1.key', 'proxy.crt'), served, null),
    bundle(
      '07-encrypted-pkcs8',
      cat('proxy.crt', 'proxy-pkcs8-encrypted.key'),
      noStart(['AH02252']),
      'proxy-bundle-encrypted',
    ),
    bundle(
      '08-proc-type-encrypted',
      cat('proxy.crt', 'proxy-sec1-encrypted.key'),
      noStart(['AH02252']),
      'proxy-bundle-encrypted',
    ),
    bundle('09-cert-only', cat('proxy.crt'), status(502, ['AH02206']), 'proxy-bundle-no-key'),
    bundle('10-key-only', cat('proxy.key'), noStart(['AH02326']), 'proxy-bundle-mismatch'),
    bundle('11-glued', glued('proxy.crt', 'proxy.key'), status(502, ['AH02206']), 'pem-glued'),
    bundle('12-crlf', crlf(cat('proxy.crt', 'proxy.key')), served, null),
    bundle('13-cert-key-int', cat('proxy-int1.crt', 'proxy-int1.key', 'int1.crt'), served, null),
    bundle(
      '14-cert-int-key',
      cat('proxy-int1.crt', 'int1.crt', 'proxy-int1.key'),
      noStart(['AH02326']),
      'proxy-bundle-mismatch',
    ),
    bundle('15-int-cert-key', cat('int1.crt', 'proxy-int1.crt', 'proxy-int1.key'), served, null),
    bundle(
      '16-two-pairs',
      cat('proxy.crt', 'proxy.key', 'proxy-int1.crt', 'proxy-int1.key'),
      served,
      null,
    ),
    bundle(
      '17-other-key',
      cat('proxy.crt', 'other.key'),
      noStart(['AH02326']),
      'proxy-bundle-mismatch',
    ),
    bundle('18-bag-attributes', bagAttributes(cat('proxy.crt', 'proxy.key')), served, null),
    bundle(
      '19-int-missing',
      cat('proxy-int1.crt', 'proxy-int1.key'),
      status(502),
      'proxy-client-missing',
    ),
    bundle('20-der', cat('proxy.der'), status(502, ['AH02206']), 'pem-invalid'),
    bundle('21-not-pem', text('not a certificate\n'), status(502, ['AH02206']), 'pem-invalid'),
    bundle(
      '22-root-cert-key',
      cat('root.crt', 'proxy-int1.crt', 'proxy-int1.key'),
      status(502),
      'proxy-client-missing',
    ),
    bundle(
      'server-auth-only',
      cat('proxy-server-eku.crt', 'proxy-server-eku.key'),
      status(502),
      'proxy-client-eku',
    ),
    bundle('expired', cat('proxy-expired.crt', 'proxy-expired.key'), status(502), 'cert-expired'),
    row('bundle-none', { machineBundle: null }, status(502, ['AH02268']), 'proxy-client-missing'),
  ];
}

function serverCertRows(): GeneratedScenario[] {
  return [
    row(
      'server-key-mismatch',
      { serverKey: cat('other.key') },
      noStart(['AH02565']),
      'key-mismatch',
    ),
    row(
      'server-chain-reversed',
      {
        serverCert: cat('int1.crt', 'server-int1.crt'),
        serverKey: cat('server-int1.key'),
      },
      noStart(['AH02565']),
      'chain-order',
    ),
    row(
      'server-int1-with-chain',
      {
        serverCert: cat('server-int1.crt', 'int1.crt'),
        serverKey: cat('server-int1.key'),
      },
      served,
      null,
    ),
    row(
      'server-int1-without-chain',
      {
        serverCert: cat('server-int1.crt'),
        serverKey: cat('server-int1.key'),
      },
      status(null),
      'chain-incomplete',
    ),
    row('server-der-cert', { serverCert: cat('server.der') }, noStart(['AH02562']), 'pem-invalid'),
    row(
      'server-encrypted-key',
      { serverKey: cat('server-encrypted.key') },
      noStart(['AH02564']),
      'key-encrypted',
    ),
    row(
      'server-ca-as-server-cert',
      {
        serverCert: cat('server-ca.crt'),
        serverKey: cat('server-ca.key'),
      },
      status(null, ['AH01906']),
      'server-eku',
    ),
    row(
      'server-expired',
      {
        serverCert: cat('server-expired.crt'),
        serverKey: cat('server-expired.key'),
      },
      status(null),
      'cert-expired',
    ),
    row(
      'server-key-in-cert-file',
      { serverCert: cat('server.crt', 'server.key'), serverKey: null },
      served,
      null,
    ),
    row('server-no-key', { serverKey: null }, noStart([]), 'key-missing'),
  ];
}

const backend = (name: string) => ({ certificate: cat(`${name}.crt`), key: cat(`${name}.key`) });

function peerRows(): GeneratedScenario[] {
  return [
    row(
      'peer-preserve-host-on',
      { preserveHost: true },
      status(500, ['AH02411']),
      'proxy-peer-name',
    ),
    row(
      'peer-preserve-host-on-both-names',
      { preserveHost: true, backend: backend('backend-both') },
      served,
      null,
    ),
    row(
      'peer-preserve-host-on-name-check-off',
      { preserveHost: true, checkPeerName: 'Off' },
      served,
      null,
    ),
    row('peer-cn-only-matching', { backend: backend('backend-cn') }, served, null),
    row(
      'peer-cn-only-other',
      { backend: backend('backend-cn-other') },
      status(500, ['AH02411']),
      'proxy-peer-name',
    ),
    // mod_ssl's name match also tries the subject CN when DNS SANs are present (2.4.71).
    row('peer-san-other-cn-matching', { backend: backend('backend-other-san') }, served, null),
    row(
      'peer-san-other-cn-check-off',
      { backend: backend('backend-other-san'), checkPeerCn: 'Off' },
      served,
      null,
    ),
    row(
      'peer-san-other-name-check-off',
      { backend: backend('backend-other-san'), checkPeerName: 'Off' },
      served,
      null,
    ),
    row(
      'peer-ip-url-ip-san',
      { backendHost: '127.0.0.1', backend: backend('backend-ip') },
      status(500, ['AH02411']),
      'proxy-peer-ip',
    ),
  ];
}

function trustRows(): GeneratedScenario[] {
  return [
    row('baseline', {}, served, null),
    row(
      'no-proxy-engine',
      { proxyEngine: false },
      status(500, ['AH00961']),
      'proxy-engine-missing',
    ),
    row('proxy-ca-missing', { proxyCa: null }, status(500), 'proxy-ca-missing'),
    row('client-ca-missing', { clientCa: null }, status(null), 'client-ca-missing'),
    row(
      'backend-expired',
      { backend: backend('backend-expired') },
      status(500, ['AH02003']),
      'cert-expired',
    ),
    row(
      'backend-expired-verify-none',
      { backend: backend('backend-expired'), proxyVerify: 'none' },
      status(500, ['AH02004']),
      'cert-expired',
    ),
    row(
      'backend-foreign-ca',
      { backend: backend('backend-foreign') },
      status(500),
      'backend-untrusted',
    ),
    row(
      'backend-foreign-ca-verify-none',
      { backend: backend('backend-foreign'), proxyVerify: 'none' },
      served,
      null,
    ),
  ];
}

function layoutRows(): GeneratedScenario[] {
  return [
    row('paths-server-root-relative', { paths: 'server-root' }, served, null),
    row('paths-wrong-server-root', { paths: 'wrong-server-root' }, configtestFails, 'file-missing'),
    row('paths-define', { paths: 'define' }, served, null),
    row(
      'paths-undefined-variable',
      { paths: 'undefined-variable' },
      configtestFails,
      'file-missing',
    ),
    row('include-proxy-settings', { include: 'present' }, served, null),
    row('include-missing', { include: 'missing' }, configtestFails, 'include-missing'),
  ];
}

export const GENERATED_SCENARIOS: GeneratedScenario[] = [
  ...depthRows(),
  ...bundleRows(),
  ...serverCertRows(),
  ...peerRows(),
  ...trustRows(),
  ...layoutRows(),
];
