import type { Socket } from 'node:net';
import type { CommonOptions } from '../options.js';
import { createServer, type TetherServer } from '../server.js';

/** A Tether server started for a test, with the network failure a reconnect test needs. */
export interface TestServer<Ctx> extends AsyncDisposable {
  /** The server itself: register methods and subscriptions on it as in production. */
  readonly server: TetherServer<Ctx>;
  /** `ws://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The port it listens on; pass it back as `port` to start a server where this one was. */
  readonly port: number;
  /**
   * Cuts every connection without a close frame, as a network failure does (clients see 1006),
   * then stops the server. Resolves once it is stopped.
   */
  drop(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (`port` 0, the default, picks a free one) for a test; disposing
 * it closes it at once. The same server the application runs, so a client test exercises the
 * real handshake, limits and close codes rather than a stand-in.
 */
export async function startTestServer<Ctx = undefined>(
  options: CommonOptions<Ctx> & { port?: number } = {},
): Promise<TestServer<Ctx>> {
  const server = await createServer<Ctx>({ ...options, port: options.port ?? 0, host: '127.0.0.1' });
  // The raw sockets, so that drop() can destroy them: the server itself only ever closes politely.
  const sockets = new Set<Socket>();
  server.httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = server.port;
  return {
    server,
    url: `ws://127.0.0.1:${port}/`,
    port,
    async drop() {
      for (const socket of sockets) socket.destroy();
      await server.close({ deadline: 0 });
    },
    async [Symbol.asyncDispose]() {
      await server.close({ deadline: 0 });
    },
  };
}
