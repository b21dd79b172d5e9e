import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIMAL, openWith } from './helpers/fixture.ts';

const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');

// Built at run time so no scanner mistakes this test file for a leak.
const jwt = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJvcHMtaHViIn0', 'c2lnbmF0dXJlLXNpZ25hdHVyZQ'].join('.');
const pem = ['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' ');
const ghToken = ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_');
const ageKey = 'AGE-SECRET-KEY-1' + 'QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';

describe('secrets never pass validate', () => {
  const cases: Array<[string, string, string]> = [
    ['a private key in a description', `description: "${pem}"\n`, 'secret-value'],
    ['a JWT', `description: ${jwt}\n`, 'secret-value'],
    ['a bearer token', 'description: "Authorization Bearer abcdefghijklmnopqrstuvwxyz012345"\n', 'secret-value'],
    ['an API token', `description: ${ghToken}\n`, 'secret-value'],
    ['an age key', `description: ${ageKey}\n`, 'secret-value'],
    ['credentials in a URL', 'links: [{ title: db, url: "https://admin:hunter2@db.example.test/" }]\n', 'secret-value'],
    ['a token in a query string', 'links: [{ title: db, url: "https://db.example.test/?access_token=abc123" }]\n', 'secret-value'],
    ['a password field', 'password: hunter2\n', 'secret-field'],
    ['an apiKey field', 'apiKey: abc\n', 'secret-field'],
  ];

  for (const [name, extra, code] of cases) {
    it(`finds ${name}, without repeating it`, async () => {
      const text = (await read('inventory/hosts/old-server.yaml')) + extra;
      const opened = await openWith({ 'inventory/hosts/old-server.yaml': text });
      const d = opened.diagnostics.find((x) => x.code === code)!;
      expect(d).toMatchObject({ file: 'inventory/hosts/old-server.yaml', line: 8, severity: 'error' });
      const printed = JSON.stringify(opened.diagnostics);
      for (const secret of [pem, jwt, ghToken, ageKey, 'hunter2', 'abc123', 'abcdefghijklmnopqrstuvwxyz012345']) {
        expect(printed).not.toContain(secret);
      }
    });
  }

  it('finds a credential header in an endpoint expectation', async () => {
    const text = (await read('inventory/endpoints/registry-v2.yaml')).replace(
      'Docker-Distribution-Api-Version: registry/2.0',
      'Docker-Distribution-Api-Version: registry/2.0\n    Authorization: Basic abc',
    );
    const opened = await openWith({ 'inventory/endpoints/registry-v2.yaml': text });
    expect(opened.diagnostics.find((d) => d.code === 'secret-field')!.line).toBe(12);
  });

  it('finds a secret in a runbook body at the right line', async () => {
    const text = (await read('inventory/runbooks/restore-git.md')) + `\nexport TOKEN=${jwt}\n`;
    const opened = await openWith({ 'inventory/runbooks/restore-git.md': text });
    const d = opened.diagnostics.find((x) => x.code === 'secret-value')!;
    expect(d.line).toBe(text.split('\n').findIndex((l) => l.includes('export TOKEN')) + 1);
  });

  it('does not flag commit SHAs, requirement names or placeholders', async () => {
    const text = (await read('gates/backups-proven.yaml')) +
      'evidence:\n  - requirement: restore-tested\n    result: pass\n    observedAt: 2026-06-15\n    summary: client_secret=<static-api-key> placeholder only\n' +
      '    source: { repo: railiance-platform, commit: 5101eb5c0ffee5101eb5c0ffee5101eb5c0ffee5 }\n';
    const opened = await openWith({ 'gates/backups-proven.yaml': text });
    expect(opened.diagnostics.filter((d) => d.code.startsWith('secret'))).toEqual([]);
  });
});
