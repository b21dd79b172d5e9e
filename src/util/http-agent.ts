import { getCACertificates, TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';

/**
 * The one way this project makes an undici Agent: the Inter-Hub client, the
 * bootstrap-gate probe and the endpoint probe all take their connect, header
 * and body timeouts from one number, so no caller waits longer than it said.
 */

/** The timeout when a caller names none: long enough for a slow hub, short enough for CI. */
export const HTTP_TIMEOUT_MS = 10_000;

export interface HttpAgentOptions {
  /** Connect, headers and body, each. */
  timeoutMs?: number;
  /** Sockets per origin. */
  connections?: number;
  /** How long an idle socket is kept for the next request. */
  keepAliveMs?: number;
  /** Extra trusted CA certificates (PEM), on top of Node's roots; never a way to skip verification. */
  ca?: readonly string[];
  /** Sees each TLS socket once it is connected (the endpoint probe dates the peer's certificate). */
  onTlsSocket?: (socket: TLSSocket) => void;
}

export function httpAgent(options: HttpAgentOptions = {}): Agent {
  const timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
  // `ca` replaces the trust store, so the default roots (with NODE_EXTRA_CA_CERTS) come along.
  const ca = options.ca?.length ? { ca: [...getCACertificates('default'), ...options.ca] } : {};
  const connector = buildConnector({ timeout: timeoutMs, ...ca });
  const onTlsSocket = options.onTlsSocket;
  return new Agent({
    connect: onTlsSocket
      ? (opts, callback) =>
          connector(opts, (...args) => {
            if (args[1] instanceof TLSSocket) onTlsSocket(args[1]);
            callback(...args);
          })
      : connector,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: options.keepAliveMs ?? 4_000,
    ...(options.connections ? { connections: options.connections } : {}),
  });
}
