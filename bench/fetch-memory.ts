import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSafeFetcher } from '../src/adapters/media/safe-fetch.js';

const bodyBytes = 100 * 1024 * 1024;

/** A 127.0.0.1 server in its own process (its buffers must not count) that streams `bytes` bytes. */
const serverSource = `
const http = require('node:http');
const bytes = Number(process.argv[1]);
const chunk = Buffer.alloc(64 * 1024, 42);
const server = http.createServer((req, res) => {
  if (req.url === '/warm') return res.writeHead(200, { 'content-length': 1024 }).end(Buffer.alloc(1024));
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes });
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      const piece = bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
      sent += piece.length;
      if (!res.write(piece)) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

async function startServerProcess(bytes: number): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['-e', serverSource, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d;
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { port, stop: () => child.kill() };
}

/**
 * Runs the measurement in a fresh process: one that ran other benchmarks first has freed heap to
 * reuse, which would hide the download's growth.
 */
export async function benchFetchMemory(): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), childFlag], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the fetch benchmark process exited with ${code}`);
  return JSON.parse(out) as Record<string, number>;
}

const childFlag = '--measure-fetch-memory';
if (process.argv.includes(childFlag)) process.stdout.write(JSON.stringify(await measureFetchMemory()));

/** Fetches 100 MB from loopback through the safe fetcher; RSS sampled every 10 ms during the download. */
async function measureFetchMemory(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-fetch-'));
  const server = await startServerProcess(bodyBytes);
  const fetcher = createSafeFetcher({ allowLoopback: true, timeoutMs: 120_000, maxRedirects: 0 });
  const dest = path.join(dir, 'body.bin');
  try {
    // A 1 KiB warm-up so lazy module and socket set-up are not counted as download growth.
    await fetcher.fetchTo(`http://127.0.0.1:${server.port}/warm`, dest, { maxBytes: bodyBytes, param: 'bench' });
    await rm(dest, { force: true });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    let result: { bytes: number };
    try {
      result = await fetcher.fetchTo(`http://127.0.0.1:${server.port}/body`, dest, { maxBytes: bodyBytes, param: 'bench' });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    const onDisk = (await stat(dest)).size;
    if (result.bytes !== bodyBytes || onDisk !== bodyBytes) throw new Error(`fetched ${result.bytes} bytes (${onDisk} on disk), expected ${bodyBytes}`);
    return {
      fetch_100mb_seconds: +seconds.toFixed(2),
      fetch_100mb_peak_rss_growth_mb: +((peak - baseline) / (1024 * 1024)).toFixed(1),
    };
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
