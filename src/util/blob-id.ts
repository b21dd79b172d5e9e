import { hash } from 'node:crypto';

/**
 * Git's object id of a file's content (`git hash-object`): a file read from
 * the working tree and the blob a git tree lists under the same content have
 * the same id, so a cache keyed by it serves both without reading the blob.
 */
export function blobId(text: string): string {
  return hash('sha1', `blob ${Buffer.byteLength(text)}\0${text}`);
}
