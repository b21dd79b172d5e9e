import { execFile } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface LocalServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close: () => Promise<void>;
}

async function listen(server: Server, scheme: 'http' | 'https'): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server on 127.0.0.1 and a free port. */
export function startServer(handler: RequestListener): Promise<LocalServer> {
  return listen(createServer(handler), 'http');
}

export function startTlsServer(handler: RequestListener, tls: { key: string; cert: string }): Promise<LocalServer> {
  return listen(createTlsServer(tls, handler), 'https');
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startServer(() => undefined);
  await server.close();
  return server.port;
}

export function hasOpenssl(): Promise<boolean> {
  return promisify(execFile)('openssl', ['version']).then(() => true, () => false);
}

/** A self-signed certificate for 127.0.0.1 valid for `days`, made with the openssl CLI. */
export async function selfSignedCertificate(days: number): Promise<{ key: string; cert: string; certFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', String(days),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}
