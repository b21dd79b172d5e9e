import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { httpAgent } from '../util/http-agent.ts';
import { stripQuery } from '../util/url.ts';
import { expiryOf, readCertificateExpiry } from './peer-certificate.ts';

/** What an endpoint record declares: the request to make and the answer to expect. */
export interface ProbeTarget {
  id: string;
  url: string;
  method: 'GET' | 'HEAD' | 'OPTIONS';
  expect: { status: number; headers?: Record<string, string> | undefined };
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), on top of Node's roots (`--ca`); never a way to skip verification. */
  ca?: readonly string[];
}

/**
 * One observation of one endpoint. Everything here is non-secret: the URL
 * without query or credentials, the status, the names and expected values of
 * the headers that matched, timings and the certificate's expiry. Never a
 * body, never a header value the inventory did not already declare.
 */
export interface EndpointObservation {
  id: string;
  url: string;
  method: ProbeTarget['method'];
  expectedStatus: number;
  matched: boolean;
  status?: number;
  /** `Name: value` of each expected header the answer carried with the expected value. */
  headersMatched: string[];
  /** Names of expected headers that were absent or had another value. */
  headersMissing: string[];
  latencyMs?: number;
  certExpiresAt?: string;
  /** Why there is no answer: refused, timed out, certificate rejected… */
  error?: string;
  summary: string;
}

const TLS_ERRORS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Requests one endpoint as declared and compares the answer with its expectation; never throws, never waits past the timeout. */
export async function probeEndpoint(target: ProbeTarget, options: ProbeOptions): Promise<EndpointObservation> {
  const url = new URL(target.url);
  const expectedHeaders = Object.entries(target.expect.headers ?? {});
  const base = { id: target.id, url: stripQuery(target.url), method: target.method, expectedStatus: target.expect.status, headersMatched: [], headersMissing: [] };
  if (url.username || url.password) {
    return { ...base, matched: false, error: 'refused: the URL holds credentials', summary: 'not probed: the URL holds credentials' };
  }

  let certExpiresAt: string | undefined;
  const agent = httpAgent({
    timeoutMs: options.timeoutMs,
    keepAliveMs: 1,
    ...(options.ca ? { ca: options.ca } : {}),
    onTlsSocket: (socket) => (certExpiresAt = expiryOf(socket.getPeerX509Certificate())),
  });
  const started = performance.now();
  try {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const response = await request(url, {
      dispatcher: agent as Dispatcher,
      method: target.method,
      headers: { 'user-agent': 'ops-hub-probe' },
      signal,
    });
    const latencyMs = Math.round(performance.now() - started);
    // The body is never read: drop it so the connection closes promptly.
    await response.body.dump({ limit: 0, signal }).catch(() => undefined);
    const headersMatched: string[] = [];
    const headersMissing: string[] = [];
    for (const [name, expected] of expectedHeaders) {
      const actual = response.headers[name.toLowerCase()];
      const values = (Array.isArray(actual) ? actual : actual === undefined ? [] : [actual]).map((v) => v.trim());
      if (values.includes(expected.trim())) headersMatched.push(`${name}: ${expected}`);
      else headersMissing.push(name);
    }
    return {
      ...base,
      matched: response.statusCode === target.expect.status && headersMissing.length === 0,
      status: response.statusCode,
      headersMatched,
      headersMissing,
      latencyMs,
      ...(certExpiresAt ? { certExpiresAt } : {}),
      summary: answerSummary(target.expect.status, response.statusCode, headersMatched, headersMissing, latencyMs),
    };
  } catch (err) {
    const code = errorCode(err);
    const error = describeFailure(code, options.timeoutMs);
    // A rejected certificate is still worth dating: read it without trusting it (the verdict stays fail).
    const expiry = TLS_ERRORS.has(code) ? await readCertificateExpiry(url, options.timeoutMs) : undefined;
    return { ...base, matched: false, error, ...(expiry ? { certExpiresAt: expiry } : {}), summary: `expected ${target.expect.status}: ${error}` };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

function answerSummary(expected: number, status: number, matched: string[], missing: string[], latencyMs: number): string {
  const parts = [status === expected ? `answered ${status}` : `answered ${status}, expected ${expected}`];
  if (matched.length > 0) parts.push(`with ${matched.join(', ')}`);
  if (missing.length > 0) parts.push(`without the expected ${missing.join(', ')}`);
  return `${parts.join(' ')} in ${latencyMs} ms`;
}

function errorCode(err: unknown): string {
  for (let e = err as { code?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name;
  }
  return 'network error';
}

/** A short, non-secret reason: a code and what it means, never the library's message. */
function describeFailure(code: string, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'TimeoutError':
    case 'AbortError':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${timeoutMs} ms`;
    case 'CERT_HAS_EXPIRED':
      return 'TLS certificate expired';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'TLS certificate is not for this host name';
    default:
      return TLS_ERRORS.has(code) ? `TLS certificate not trusted (${code})` : `request failed (${code})`;
  }
}
