import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FixtureServer {
  url(name: string): string;
  close(): Promise<void>;
}

/** Serves files from one folder on 127.0.0.1, as a remote media host would. */
export async function startFixtureServer(dir: string): Promise<FixtureServer> {
  const server: Server = createServer(async (req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    const file = path.join(dir, path.basename(name));
    try {
      const s = await stat(file);
      res.writeHead(200, { 'content-length': s.size, 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
