import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { JSON_CONTENT_TYPE } from '../wire/routes.ts';
import { FORM_CONTENT_TYPE } from '../wire/token.ts';

/** The dev server's request and answer plumbing: bodies in, JSON answers out. */

/** An answer; thrown anywhere in a handler, it is what the client receives. */
export class HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export type Body = { type: 'json'; json: unknown } | { type: 'form'; form: URLSearchParams } | { type: 'none' };

export async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpAnswer(413, { error: 'body_too_large' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type === FORM_CONTENT_TYPE) return { type: 'form', form: new URLSearchParams(text) };
  if (type === JSON_CONTENT_TYPE) {
    try {
      return { type: 'json', json: JSON.parse(text) };
    } catch {
      throw new HttpAnswer(400, { error: 'invalid_json' });
    }
  }
  return { type: 'none' };
}

/** A JSON request body checked against a wire schema; a mismatch is the contract's 422 with one message per field. */
export function parseBody<T extends z.ZodType>(schema: T, body: Body): z.infer<T> {
  if (body.type !== 'json') throw new HttpAnswer(415, { error: `${JSON_CONTENT_TYPE} required` });
  const result = schema.safeParse(body.json);
  if (result.success) return result.data;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.map(String).join('.') || 'body'] ??= issue.message;
  throw new HttpAnswer(422, { errors });
}

export function send(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), ...answer.headers });
  res.end(text);
}

export function positiveInt(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}
