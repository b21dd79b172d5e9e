import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every blob's bytes from one `git cat-file --batch`, however many are asked
 * for. git writes them, buffered, to a private temporary file that is read in
 * one go: through a pipe, thousands of blobs arrive in thousands of small
 * chunks, which cost about as much as the blobs themselves.
 */
export async function readBlobs(cwd: string, shas: readonly string[]): Promise<Map<string, Buffer>> {
  if (shas.length === 0) return new Map();
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-blobs-'));
  try {
    const file = path.join(dir, 'blobs');
    const output = await open(file, 'w');
    try {
      const child = spawn('git', ['-C', cwd, 'cat-file', '--batch', '--buffer'], { stdio: ['pipe', output.fd, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const done = new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file failed: ${stderr.trim()}`))));
      });
      child.stdin!.end(`${shas.join('\n')}\n`);
      await done;
    } finally {
      await output.close();
    }
    return batchOutput(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same, synchronously, for a caller that cannot wait (a position looked up
 * while a diagnostic is made). `bytes` bounds the output: the blobs' total
 * size, which a tree listing gives.
 */
export function readBlobsSync(cwd: string, shas: readonly string[], bytes: number): Map<string, Buffer> {
  if (shas.length === 0) return new Map();
  const output = execFileSync('git', ['-C', cwd, 'cat-file', '--batch'], { input: `${shas.join('\n')}\n`, maxBuffer: bytes + 100 * shas.length + 1024 });
  return batchOutput(output);
}

/** `git cat-file --batch` output: for each blob a `<sha> blob <size>` line, its bytes and a newline. */
function batchOutput(buffer: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
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
