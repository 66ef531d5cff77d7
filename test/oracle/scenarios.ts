/**
 * The examples the oracle runs, with what Apache 2.4.71 + OpenSSL 3.0 (Debian 12) does with
 * each and the rule the checker must report. Paths are relative to the repository root.
 */
import type { RuleId } from '../../server/src/findings';
import type { LiveOnlyFiles } from './scenario-files';

export interface ExpectedHttpd {
  /** `apache2 -t` says Syntax OK (true for every example: the point of the product). */
  configtestOk: boolean;
  started: boolean;
  /** HTTP status curl gets; null when the TLS handshake itself fails or httpd is down. */
  httpStatus: number | null;
  /** AH codes that must appear in the error log (or the configtest output). */
  ahCodes: string[];
}

export interface OracleScenario {
  name: string;
  /** The example folder (config under conf.d/, `.httpd-mtls.json` at its top). */
  dir: string;
  httpd: ExpectedHttpd;
  /** The rule the checker must report as an error; null for a setup that works. */
  rule: RuleId | null;
  live: LiveOnlyFiles;
}

const SEED_LIVE: LiveOnlyFiles = {
  backendKey: '../../seed/flaskApp/certs/gunicornServerKey.pem',
  clientCaCertificates: '../../seed/client/certs/myCA.crt',
  appDir: '../../seed/flaskApp',
};

const startsThen = (httpStatus: number | null, ahCodes: string[]): ExpectedHttpd => ({
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

function broken(
  name: string,
  httpd: ExpectedHttpd,
  rule: RuleId,
  live = SEED_LIVE,
): OracleScenario {
  return { name, dir: `examples/broken/${name}`, httpd, rule, live };
}

export const SCENARIOS: OracleScenario[] = [
  {
    name: 'seed',
    dir: 'examples/seed',
    httpd: startsThen(201, []),
    rule: null,
    live: {
      backendKey: 'flaskApp/certs/gunicornServerKey.pem',
      clientCaCertificates: 'client/certs/myCA.crt',
      appDir: 'flaskApp',
    },
  },
  broken('glued-bundle', startsThen(502, ['AH02206']), 'pem-glued'),
  broken('wrong-key', noStart(['AH02565']), 'key-mismatch'),
  broken('depth-too-small', startsThen(null, ['AH02040']), 'verify-depth'),
  broken('proxy-depth-too-small', startsThen(500, ['AH02040', 'AH00898']), 'proxy-verify-depth', {
    ...SEED_LIVE,
    backendKey: 'flaskApp/certs/gunicornServerKey.pem',
  }),
  broken('no-proxy-engine', startsThen(500, ['AH00961']), 'proxy-engine-missing'),
  broken('preserve-host', startsThen(500, ['AH02411']), 'proxy-peer-name'),
  broken('server-auth-only-client-cert', startsThen(502, []), 'proxy-client-eku'),
  broken('encrypted-proxy-key', noStart(['AH02252']), 'proxy-bundle-encrypted'),
];
