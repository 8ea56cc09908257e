/**
 * Load from its own process (so it never shares a server's event loop): autocannon on one URL whose
 * connections take the given keys in turn, connection i sending key i mod n. Prints
 * `{ rps, non2xx }` as JSON. Spawned by pg-create.ts with one JSON argument (see Options).
 */
import autocannon from 'autocannon';

interface Options {
  url: string;
  body: string;
  secrets: string[];
  connections: number;
  seconds: number;
}

const opts = JSON.parse(process.argv[2]!) as Options;
let next = 0;
const result = await autocannon({
  url: opts.url,
  method: 'POST',
  body: opts.body,
  connections: opts.connections,
  duration: opts.seconds,
  headers: { 'content-type': 'application/json' },
  setupClient: (client) => {
    const secret = opts.secrets[next++ % opts.secrets.length]!;
    client.setHeaders({ authorization: `Bearer ${secret}`, 'content-type': 'application/json' });
  },
});
console.log(JSON.stringify({ rps: result.requests.average, non2xx: result.non2xx }));
