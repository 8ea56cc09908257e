import { Redis } from 'ioredis';

export interface RedisConnection {
  client: Redis;
  /** Resolves when Redis answers a PING within the command timeout; throws otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  /** A command that gets no answer this long fails (a Redis that stopped answering must not stall requests). */
  commandTimeoutMs?: number;
  /** How long start-up waits for the first connection before going on without it. */
  connectWaitMs?: number;
}

/**
 * One ioredis connection for the process. Commands never queue while disconnected (they fail at once
 * and the caller applies its failure policy); the client keeps reconnecting in the background.
 */
export async function connectRedis(url: string, opts: RedisConnectOptions = {}): Promise<RedisConnection> {
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    // The first commands of a fresh connection (script loading) need no ready check of their own.
    enableReadyCheck: true,
  });
  // Connection errors surface as failed commands; without a listener Node would treat them as uncaught.
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, opts.connectWaitMs ?? 2000);
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
  return {
    client,
    async ping() {
      await client.ping();
    },
    async close() {
      client.disconnect();
    },
  };
}
