import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, fitCommentBody, markerFor } from '../src/forge/sticky-comment.ts';
import { cli } from './helpers/cli.ts';
import { startForge, type Flavour, type StandInForge } from './helpers/forge.ts';

const REPO = 'railiance/ops-hub';
const TOKEN = 'forge-token-5f3a9c';
const MARKER = markerFor('diff');

let dir: string;
let forge: StandInForge | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-pr-comment-'));
});

afterEach(async () => {
  await forge?.close();
  forge = undefined;
});

async function bodyFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Only what a workflow step would see: no GITHUB_* of the machine running the tests. */
function actionsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], HOME: process.env['HOME'], GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPO, ...extra };
}

function postComment(args: string[], env = actionsEnv()) {
  return cli('pr-comment.ts', args, { env });
}

const markerComments = (f: StandInForge, pr: number) => f.comments(pr).filter((c) => c.body.startsWith(MARKER));

describe.each([
  ['github', 120],
  ['gitea', 60],
] as [Flavour, number][])('sticky comment on %s', (flavour, others) => {
  it('creates one comment, then edits that same comment on every push, past the first page of comments', async () => {
    forge = await startForge(flavour, { repo: REPO, token: TOKEN });
    for (let i = 0; i < others; i++) forge.seed(7, `review remark ${i}`);
    forge.seed(7, `> ${MARKER}\n> quoting the bot is not the bot's comment`);
    const common = ['--pr', '7', '--forge', flavour, '--api', forge.api];

    const first = await postComment([...common, '--body-file', await bodyFile('one.md', '## ops-hub diff\n\n1 record changed\n')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^pr-comment: created comment \d+ on railiance\/ops-hub#7 /);
    const [created] = markerComments(forge, 7);
    expect(created!.body).toBe(`${MARKER}\n## ops-hub diff\n\n1 record changed\n`);

    const second = await postComment([...common, '--body-file', await bodyFile('two.md', '## ops-hub diff\n\n2 records changed\n')]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`updated comment ${created!.id}`);
    expect(markerComments(forge, 7)).toHaveLength(1);
    expect(markerComments(forge, 7)[0]!.body).toContain('2 records changed');
    expect(forge.comments(7)).toHaveLength(others + 2);
    expect(forge.comments(7)[0]!.body).toBe('review remark 0');

    // GitHub pages the list (past 100 here); Gitea answers it whole, in one request per run.
    const reads = forge.requests.filter((r) => r.method === 'GET');
    expect(reads.length).toBe(flavour === 'github' ? 4 : 2);
    const writesBefore = forge.requests.filter((r) => r.method !== 'GET').length;
    const third = await postComment([...common, '--body-file', path.join(dir, 'two.md')]);
    expect(third.stdout).toContain(`unchanged comment ${created!.id}`);
    expect(forge.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  });
});

describe('pr-comment', () => {
  it('keeps comments of different keys apart', async () => {
    forge = await startForge('github', { repo: REPO, token: TOKEN });
    const common = ['--pr', '3', '--api', forge.api];
    await postComment([...common, '--body-file', await bodyFile('diff.md', 'the diff\n')]);
    await postComment([...common, '--key', 'sync-plan', '--body-file', await bodyFile('plan.md', 'the plan\n')]);
    await postComment([...common, '--body-file', await bodyFile('diff2.md', 'the diff, again\n')]);
    expect(forge.comments(3).map((c) => c.body)).toEqual([`${MARKER}\nthe diff, again\n`, `${markerFor('sync-plan')}\nthe plan\n`]);
  });

  it('takes the pull request from the Actions event and Gitea from GITEA_ACTIONS', async () => {
    forge = await startForge('gitea', { repo: REPO, token: TOKEN });
    const event = await bodyFile('event.json', JSON.stringify({ action: 'synchronize', pull_request: { number: 12 } }));
    const result = await postComment(
      ['--body-file', await bodyFile('e.md', 'from the event\n')],
      actionsEnv({ GITHUB_EVENT_PATH: event, GITEA_ACTIONS: 'true', GITHUB_API_URL: forge.api }),
    );
    expect(result.code).toBe(0);
    expect(forge.comments(12).map((c) => c.body)).toEqual([`${MARKER}\nfrom the event\n`]);
  });

  it('fits an over-long review into one comment that still renders', async () => {
    forge = await startForge('github', { repo: REPO, token: TOKEN });
    const rows = Array.from({ length: 4000 }, (_, i) => `| record-${i} | changed |`).join('\n');
    const long = `## diff\n\n<details><summary>all</summary>\n\n\`\`\`mermaid\n${rows}\n\`\`\`\n</details>\n`;
    const result = await postComment(['--pr', '4', '--api', forge.api, '--body-file', await bodyFile('long.md', long)]);
    expect(result.code).toBe(0);
    const [comment] = forge.comments(4);
    expect(comment!.body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment!.body).toMatch(/```\n<\/details>\n\n> \*\*Cut here:\*\* \d+ more characters/);
  });

  it('says why the forge refused, exits 1, and never prints the token', async () => {
    forge = await startForge('github', { repo: REPO, token: TOKEN });
    const body = await bodyFile('x.md', 'x\n');
    const refused = await postComment(['--pr', '5', '--api', forge.api, '--body-file', body], actionsEnv({ GITHUB_TOKEN: 'not-the-token' }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('answered 401: the token was refused');
    expect(refused.stderr + refused.stdout).not.toContain('not-the-token');

    forge.failWith(403);
    const forbidden = await postComment(['--pr', '5', '--api', forge.api, '--body-file', body]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('fork PRs get a read-only token');
    expect(forbidden.stderr + forbidden.stdout).not.toContain(TOKEN);
    expect(forge.comments(5)).toEqual([]);
  });

  it('rejects bad usage with exit 2 before calling the forge', async () => {
    forge = await startForge('github', { repo: REPO, token: TOKEN });
    const body = await bodyFile('u.md', 'u\n');
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--pr', '1', '--api', forge.api], actionsEnv(), /--body-file is required/],
      [['--api', forge.api, '--body-file', body], actionsEnv(), /--pr is required/],
      [['--pr', 'seven', '--api', forge.api, '--body-file', body], actionsEnv(), /--pr must be a positive whole number/],
      [['--pr', '1', '--api', forge.api, '--body-file', body, '--forge', 'gitlab'], actionsEnv(), /--forge must be one of github, gitea/],
      [['--pr', '1', '--api', forge.api, '--body-file', body], actionsEnv({ GITHUB_TOKEN: '' }), /GITHUB_TOKEN is not set/],
      [['--pr', '1', '--api', forge.api, '--body-file', path.join(dir, 'missing.md')], actionsEnv(), /cannot read --body-file .*ENOENT/],
    ];
    for (const [args, env, message] of cases) {
      const result = await postComment(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(forge.requests).toEqual([]);
  });
});

describe('fitCommentBody', () => {
  it('leaves a body within the limit alone', () => {
    const body = 'a'.repeat(100);
    expect(fitCommentBody(body, 100)).toBe(body);
  });

  it('cuts at a line and closes what the cut left open', () => {
    const body = `<details>\n\n\`\`\`\n${'line\n'.repeat(500)}\`\`\`\n</details>\n`;
    const fitted = fitCommentBody(body, 1000);
    expect(fitted.length).toBeLessThanOrEqual(1000);
    expect(fitted).toMatch(/line\n```\n<\/details>\n\n> \*\*Cut here:\*\*/);
  });
});
