import { createComment, listComments, updateComment, type ForgeTarget } from './forge-api.ts';

/**
 * One comment per pull request and purpose, edited on every push instead of
 * piling up: found again by a hidden marker on its first line.
 */

/** GitHub rejects comment bodies over 65,536 characters; Gitea accepts the same. */
export const COMMENT_LIMIT = 65_536;

export function markerFor(key: string): string {
  return `<!-- ops-hub:${key} -->`;
}

/**
 * Cuts an over-long Markdown body at a line, closing an open code fence and
 * open <details> so the rest of the comment still renders, and says so.
 */
export function fitCommentBody(body: string, limit = COMMENT_LIMIT): string {
  if (body.length <= limit) return body;
  const reserve = 400;
  const cut = body.lastIndexOf('\n', limit - reserve);
  const kept = body.slice(0, cut > 0 ? cut : limit - reserve);
  const closers: string[] = [];
  const fences = kept.split('\n').filter((line) => /^\s*```/.test(line)).length;
  if (fences % 2 === 1) closers.push('```');
  const openDetails = (kept.match(/<details\b/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < openDetails; i++) closers.push('</details>');
  const dropped = body.length - kept.length;
  return `${kept}\n${closers.join('\n')}\n\n> **Cut here:** ${dropped} more characters did not fit in one comment. The whole output is in the workflow run.\n`;
}

export type StickyAction = 'created' | 'updated' | 'unchanged';

export interface StickyResult {
  action: StickyAction;
  id: number;
  url: string;
}

/** Creates the PR's comment carrying `key`, or edits it in place; an identical body is left alone (no notification). */
export async function upsertStickyComment(target: ForgeTarget, pr: number, key: string, body: string): Promise<StickyResult> {
  const marker = markerFor(key);
  const full = `${marker}\n${fitCommentBody(body, COMMENT_LIMIT - marker.length - 1)}`;
  const existing = (await listComments(target, pr)).find((comment) => comment.body?.startsWith(marker));
  if (!existing) {
    const created = await createComment(target, pr, full);
    return { action: 'created', id: created.id, url: created.html_url };
  }
  if (existing.body === full) return { action: 'unchanged', id: existing.id, url: existing.html_url };
  const updated = await updateComment(target, existing.id, full);
  return { action: 'updated', id: updated.id, url: updated.html_url };
}
