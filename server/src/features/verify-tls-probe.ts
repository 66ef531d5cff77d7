/**
 * One live TLS probe with node:tls: handshake, then `HEAD /` with no body, then close. The
 * peer's verdict on our certificate arrives after the handshake under TLS 1.3 (an alert instead
 * of a response), so the probe waits for the first response bytes, an error or the close.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ProbeRequest {
  endpoint: Endpoint;
  /** SNI and Host header; SNI is left out for IP literals (RFC 6066). */
  serverName: string | null;
  /** PEM texts; never logged. */
  cert?: string;
  key?: string;
  ca?: string;
  timeoutMs?: number;
}

export interface ProbeOutcome {
  /** The TLS handshake completed on our side. */
  handshake: boolean;
  /** The peer answered HTTP (so it accepted our certificate, if any). */
  answered: boolean;
  /** First line of the HTTP response, e.g. `HTTP/1.1 201 CREATED`. */
  statusLine: string | null;
  /** Verification of the peer under `ca` (null when no `ca` was given). */
  authorizationError: string | null;
  /** The peer chain as sent and completed by OpenSSL, leaf first. */
  peerChain: tls.DetailedPeerCertificate[];
  error: string | null;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return net.isIPv4(host) && host.startsWith('127.');
}

export function probe(request: ProbeRequest): Promise<ProbeOutcome> {
  const { endpoint, serverName } = request;
  const outcome: ProbeOutcome = {
    handshake: false,
    answered: false,
    statusLine: null,
    authorizationError: null,
    peerChain: [],
    error: null,
  };
  return new Promise((resolve) => {
    const options: tls.ConnectionOptions = {
      host: endpoint.host,
      port: endpoint.port,
      rejectUnauthorized: false,
      // Apache's own name checks are judged by the caller; never node's defaults.
      checkServerIdentity: () => undefined,
    };
    if (serverName !== null && net.isIP(serverName) === 0) options.servername = serverName;
    if (request.cert !== undefined) options.cert = request.cert;
    if (request.key !== undefined) options.key = request.key;
    if (request.ca !== undefined) options.ca = request.ca;
    const socket = tls.connect(options);
    let settled = false;
    const done = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null && outcome.error === null) outcome.error = error;
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done(`no answer within ${request.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`),
      request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    socket.once('secureConnect', () => {
      outcome.handshake = true;
      if (request.ca !== undefined) {
        outcome.authorizationError = socket.authorized ? null : String(socket.authorizationError);
      }
      outcome.peerChain = peerChain(socket.getPeerCertificate(true));
      const host = serverName ?? endpoint.host;
      socket.write(`HEAD / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.once('data', (chunk: Buffer) => {
      outcome.answered = true;
      outcome.statusLine = chunk.toString('latin1').split('\r\n')[0] ?? null;
      done(null);
    });
    socket.once('error', (error: Error) => done(error.message));
    socket.once('close', () => done('connection closed without an answer'));
  });
}

/** Walks issuerCertificate links (OpenSSL's built chain) until the self-issued end. */
function peerChain(leaf: tls.DetailedPeerCertificate): tls.DetailedPeerCertificate[] {
  const chain: tls.DetailedPeerCertificate[] = [];
  let current: tls.DetailedPeerCertificate | undefined = leaf;
  while (current && current.raw && !chain.includes(current)) {
    chain.push(current);
    current = current.issuerCertificate;
  }
  return chain;
}
