import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { isoSeconds } from '../model/time.ts';

/** A certificate's notAfter as an ISO date-time. */
export function expiryOf(certificate: X509Certificate | undefined): string | undefined {
  return certificate ? isoSeconds(certificate.validToDate.getTime()) : undefined;
}

/**
 * The expiry of the certificate a host presents, read during a bare TLS
 * handshake that sends no request. Verification is off here on purpose, and
 * only here: the probe has already failed on the certificate, and this only
 * dates it ("expired on…", "self-signed, valid until…"). Undefined when the
 * host does not complete a handshake within the timeout.
 */
export function readCertificateExpiry(url: URL, timeoutMs: number): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.once('secureConnect', () => done(expiryOf(socket.getPeerX509Certificate())));
    socket.once('timeout', () => done(undefined));
    socket.once('error', () => done(undefined));
  });
}
