import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { writeSyntheticInventory } from './synthetic.ts';
import { type BenchRow, commandFile, NODE, REPO_ROOT, scratchDir } from './harness.ts';

const SIZE = 1_000;
const ANSWER_DELAY_MS = 20;
const HANGING = 10;
const TIMEOUT_MS = 1_000;

/** A whole probe process, timed without blocking this process (the endpoints are served from here). */
function timeProbe(args: string[]): Promise<{ ms: number; code: number | null; stdout: string }> {
  const file = commandFile('probe');
  const start = performance.now();
  const child = spawn(NODE, [file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ ms: performance.now() - start, code, stdout })));
}

/**
 * `npm run probe` over the endpoints of a 1,000-record synthetic inventory,
 * served on 127.0.0.1 with a small delay: a dry run, a `--write` run (text
 * edits, re-validation, atomic writes), and a run where some hosts never
 * answer, which the timeout must bound.
 */
export async function benchProbe(): Promise<BenchRow[]> {
  const dir = scratchDir('probe');
  await writeSyntheticInventory(dir, SIZE, REPO_ROOT);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/hang/')) return;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }, ANSWER_DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const endpointDir = path.join(dir, 'inventory/endpoints');
    const files = await readdir(endpointDir);
    const point = async (hanging: number) => {
      for (const [i, file] of files.entries()) {
        const text = await readFile(path.join(endpointDir, file), 'utf8');
        const route = i < hanging ? 'hang' : 'ok';
        await writeFile(path.join(endpointDir, file), text.replace(/url: .*/, `url: http://127.0.0.1:${port}/${route}/${file}`));
      }
    };
    const common = ['--root', dir, '--now', '2026-06-10T00:00:00Z', '--timeout-ms', String(TIMEOUT_MS)];
    await point(0);
    await timeProbe(common); // fills the parse cache, as any earlier validate or probe run has
    const dry = await timeProbe(common);
    const write = await timeProbe([...common, '--write']);
    if (dry.code !== 0 || write.code !== 0) throw new Error(`the benchmark probe did not pass:\n${write.stdout.slice(-1500)}`);
    await point(HANGING);
    const hung = await timeProbe([...common, '--write']);
    if (hung.code !== 1) throw new Error(`hanging hosts should fail the probe:\n${hung.stdout.slice(-1500)}`);
    const n = files.length;
    const bound = TIMEOUT_MS * Math.ceil(HANGING / 8) + 4_000;
    return [
      { section: 'probe', name: `${n} endpoints answering in ${ANSWER_DELAY_MS} ms, dry run (warm parse cache)`, value: Math.round(dry.ms), unit: 'ms' },
      { section: 'probe', name: `${n} endpoints, --write (edit, re-validate, write)`, value: Math.round(write.ms), unit: 'ms' },
      {
        section: 'probe',
        name: `${n} endpoints, ${HANGING} never answer (timeout ${TIMEOUT_MS} ms)`,
        value: Math.round(hung.ms),
        unit: 'ms',
        target: `≤ ${bound} ms`,
        ok: hung.ms <= bound,
      },
    ];
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
