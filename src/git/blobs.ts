import { spawn } from 'node:child_process';

/** Every blob's bytes from one `git cat-file --batch`, however many are asked for. */
export async function readBlobs(cwd: string, shas: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (shas.length === 0) return out;
  const child = spawn('git', ['-C', cwd, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file failed: ${stderr.trim()}`))));
  });
  child.stdin.end(`${shas.join('\n')}\n`);
  await done;
  const buffer = Buffer.concat(chunks);
  let at = 0;
  while (at < buffer.length) {
    const eol = buffer.indexOf(0x0a, at);
    const [sha, , size] = buffer.subarray(at, eol).toString().split(' ');
    const start = eol + 1;
    const end = start + Number(size);
    out.set(sha!, buffer.subarray(start, end));
    at = end + 1;
  }
  return out;
}
