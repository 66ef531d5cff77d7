/**
 * The pkijs crypto engine over Node's WebCrypto, passed explicitly to every pkijs call so
 * the generator does not depend on (or change) pkijs's process-global engine.
 */
import * as pkijs from 'pkijs';

export const cryptoEngine = new pkijs.CryptoEngine({
  name: 'node-webcrypto',
  crypto: globalThis.crypto,
});
