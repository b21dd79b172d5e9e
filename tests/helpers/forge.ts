import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type LocalServer } from './local-server.ts';

/**
 * A stand-in for the issue-comment API of GitHub or Gitea on 127.0.0.1:
 * comments per issue; GitHub pages the list by `per_page` (a client asking
 * otherwise gets 30 and must walk on), Gitea answers every comment at once and
 * ignores page parameters, as the real ones do; each forge's auth scheme; a
 * log of the requests made.
 */

export type Flavour = 'github' | 'gitea';

interface StoredComment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string };
}

export interface StandInForge extends LocalServer {
  /** The API root a client is given. */
  api: string;
  comments: (pr: number) => StoredComment[];
  seed: (pr: number, body: string, login?: string) => StoredComment;
  requests: { method: string; path: string }[];
  /** Answers every later request with this status. */
  failWith: (status: number | undefined) => void;
}

const FLAVOURS = {
  github: { prefix: '', paged: true, scheme: 'Bearer' },
  gitea: { prefix: '/api/v1', paged: false, scheme: 'token' },
} as const;

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function readJson(req: IncomingMessage): Promise<{ body?: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: unknown };
}

export async function startForge(flavour: Flavour, options: { repo: string; token: string }): Promise<StandInForge> {
  const spec = FLAVOURS[flavour];
  const byPr = new Map<number, StoredComment[]>();
  const requests: StandInForge['requests'] = [];
  let nextId = 1000;
  let failure: number | undefined;
  const list = (pr: number) => byPr.get(pr) ?? byPr.set(pr, []).get(pr)!;
  const store = (pr: number, body: string, login: string) => {
    const comment = { id: nextId++, body, html_url: '', user: { login } };
    comment.html_url = `http://forge.test/${options.repo}/pull/${pr}#issuecomment-${comment.id}`;
    list(pr).push(comment);
    return comment;
  };
  const repoPath = `${spec.prefix}/repos/${options.repo}`;

  const server = await startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}` });
    if (failure) return send(res, failure, { message: 'failing on purpose' });
    if (req.headers.authorization !== `${spec.scheme} ${options.token}`) return send(res, 401, { message: 'Bad credentials' });

    const onIssue = url.pathname.match(/^(.*)\/issues\/(\d+)\/comments$/);
    if (onIssue && onIssue[1] === repoPath) {
      const pr = Number(onIssue[2]);
      if (req.method === 'GET') {
        if (!spec.paged) return send(res, 200, list(pr));
        const size = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(res, 200, list(pr).slice((page - 1) * size, page * size));
      }
      if (req.method === 'POST') {
        const { body } = await readJson(req);
        if (typeof body !== 'string') return send(res, 422, { message: 'body is required' });
        return send(res, 201, store(pr, body, 'ops-hub-bot'));
      }
    }
    const onComment = url.pathname.match(/^(.*)\/issues\/comments\/(\d+)$/);
    if (onComment && onComment[1] === repoPath && req.method === 'PATCH') {
      const comment = [...byPr.values()].flat().find((c) => c.id === Number(onComment[2]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      const { body } = await readJson(req);
      if (typeof body !== 'string') return send(res, 422, { message: 'body is required' });
      comment.body = body;
      return send(res, 200, comment);
    }
    return send(res, 404, { message: 'Not Found' });
  });

  return {
    ...server,
    api: `${server.origin}${spec.prefix}`,
    comments: (pr) => list(pr).map((c) => ({ ...c })),
    seed: (pr, body, login = 'someone') => store(pr, body, login),
    requests,
    failWith: (status) => {
      failure = status;
    },
  };
}
