import { request } from 'undici';
import { z } from 'zod';

/**
 * The issue-comment routes of the two forges that run our workflows. GitHub
 * and Gitea share the paths (`/repos/{owner}/{repo}/issues/{n}/comments`,
 * `/repos/{owner}/{repo}/issues/comments/{id}`) and the comment shape; they
 * differ in the auth scheme and in paging (GitHub pages the list; Gitea
 * answers every comment at once and takes no page parameters), kept here.
 */

export const FORGES = ['github', 'gitea'] as const;
export type Forge = (typeof FORGES)[number];

export interface ForgeTarget {
  forge: Forge;
  /** API root: `https://api.github.com`, or `https://gitea.example/api/v1`. */
  api: string;
  /** `owner/name` */
  repo: string;
  token: string;
}

const commentSchema = z.object({ id: z.number().int(), body: z.string().nullable().default(''), html_url: z.string().default('') });
export type Comment = z.infer<typeof commentSchema>;

const GITHUB_PAGE_SIZE = 100;
/** Bounds the walk of a PR's comments; a PR with more is not one a person reviews. */
const MAX_PAGES = 50;
const TIMEOUT_MS = 30_000;

/** A failed forge call: method, path and status, never the token. */
export class ForgeError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

function hint(status: number): string {
  if (status === 401) return ': the token was refused (set GITHUB_TOKEN to a token of this forge)';
  if (status === 403) return ': the token may not write comments (the workflow needs pull-requests: write; fork PRs get a read-only token)';
  if (status === 404) return ': no such repository or pull request, or the token cannot see it';
  return '';
}

async function call(target: ForgeTarget, method: 'GET' | 'POST' | 'PATCH', route: string, body?: unknown): Promise<unknown> {
  const url = new URL(`${target.api.replace(/\/+$/, '')}${route}`);
  const scheme = target.forge === 'github' ? 'Bearer' : 'token';
  let response;
  try {
    response = await request(url, {
      method,
      headers: {
        authorization: `${scheme} ${target.token}`,
        accept: target.forge === 'github' ? 'application/vnd.github+json' : 'application/json',
        'user-agent': 'ops-hub',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (err) {
    throw new ForgeError(`${method} ${url.origin}${url.pathname}: ${(err as Error).message}`);
  }
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new ForgeError(`${method} ${url.origin}${url.pathname} answered ${response.statusCode}${hint(response.statusCode)}`, response.statusCode);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ForgeError(`${method} ${url.origin}${url.pathname} answered ${response.statusCode} without JSON`, response.statusCode);
  }
}

function parseComment(value: unknown, what: string): Comment {
  const parsed = commentSchema.safeParse(value);
  if (!parsed.success) throw new ForgeError(`${what}: not a comment (${parsed.error.issues[0]?.message ?? 'unexpected shape'})`);
  return parsed.data;
}

/** Every comment on a pull request, oldest first. */
export async function listComments(target: ForgeTarget, pr: number): Promise<Comment[]> {
  const route = `/repos/${target.repo}/issues/${pr}/comments`;
  if (target.forge === 'gitea') return commentList(await call(target, 'GET', route), `GET ${route}`);
  const comments: Comment[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const paged = `${route}?per_page=${GITHUB_PAGE_SIZE}&page=${page}`;
    const items = commentList(await call(target, 'GET', paged), `GET ${paged}`);
    comments.push(...items);
    if (items.length < GITHUB_PAGE_SIZE) return comments;
  }
  throw new ForgeError(`pull request ${pr} has more than ${MAX_PAGES * GITHUB_PAGE_SIZE} comments; not walking further`);
}

function commentList(value: unknown, what: string): Comment[] {
  if (!Array.isArray(value)) throw new ForgeError(`${what}: expected a list of comments`);
  return value.map((item) => parseComment(item, what));
}

export async function createComment(target: ForgeTarget, pr: number, body: string): Promise<Comment> {
  const route = `/repos/${target.repo}/issues/${pr}/comments`;
  return parseComment(await call(target, 'POST', route, { body }), `POST ${route}`);
}

export async function updateComment(target: ForgeTarget, id: number, body: string): Promise<Comment> {
  const route = `/repos/${target.repo}/issues/comments/${id}`;
  return parseComment(await call(target, 'PATCH', route, { body }), `PATCH ${route}`);
}
