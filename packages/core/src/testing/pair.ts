import { createMemoryTransportPair } from '../memory-transport.js';
import { Peer, type PeerOptions } from '../peer.js';
import { Service } from '../service.js';

/** Options for a test pair: each side's peer options (the server's service is made here). */
export interface PairOptions<ClientCtx, ServerCtx> {
  client?: PeerOptions<ClientCtx>;
  server?: Omit<PeerOptions<ServerCtx>, 'service'>;
  /** Whether a response for no call is expected (a cancelled call's late answer); default false. */
  allowStrays?: boolean;
}

/**
 * Two peers over an in-memory pair. Disposing it fails the test if anything was left
 * behind: a call awaiting a response, a handler still running, a queued message, a stray
 * response or a handler error nobody took. Then both peers are closed, so a failing test
 * does not leak into the next.
 */
export interface TestPair<ClientCtx, ServerCtx> extends AsyncDisposable {
  readonly client: Peer<ClientCtx>;
  /** The current server-side peer; `reconnect` replaces it. */
  readonly server: Peer<ServerCtx>;
  /** What the server side serves, shared by every server peer `reconnect` makes. */
  readonly service: Service<ServerCtx>;
  /** Closes the transport under the client, as a network drop would. Resolves once both sides saw it. */
  drop(): Promise<void>;
  /** Attaches the client to a fresh server peer (same service) over a fresh transport pair. */
  reconnect(): void;
  /** Handler errors reported so far (by either side), emptied by the call. */
  takeHandlerErrors(): Array<{ error: unknown; method: string }>;
  /** Stray responses seen so far (by either side), emptied by the call. */
  takeStrays(): unknown[];
  /** Fails if something is left; does not close. */
  assertClean(): void;
}

/**
 * What is left on a peer that should not be: every count in its stats (calls pending,
 * handlers running, messages queued, and whatever later counts it grows) must be zero.
 */
export function leftovers(name: string, peer: Peer<unknown>): string[] {
  return Object.entries(peer.stats)
    .filter(([, count]) => count !== 0)
    .map(([what, count]) => `${name}: ${what} = ${count}`);
}

/** Makes a leak-checked, connected client/server pair: `await using pair = connectedPair()`. */
export function connectedPair<ClientCtx = unknown, ServerCtx = unknown>(
  options: PairOptions<ClientCtx, ServerCtx> = {},
): TestPair<ClientCtx, ServerCtx> {
  const service = new Service<ServerCtx>();
  const handlerErrors: Array<{ error: unknown; method: string }> = [];
  const strays: unknown[] = [];
  const servers: Array<Peer<ServerCtx>> = [];
  const client = new Peer<ClientCtx>(options.client);

  const watch = (peer: Peer<any>) => {
    peer.on('handlerError', (error, method) => handlerErrors.push({ error, method }));
    peer.on('strayResponse', (message) => strays.push(message));
  };
  watch(client);

  const connect = () => {
    const [clientEnd, serverEnd] = createMemoryTransportPair();
    const server = new Peer<ServerCtx>({ ...options.server, service });
    watch(server);
    servers.push(server);
    server.attach(serverEnd);
    client.attach(clientEnd);
  };
  connect();

  const current = () => servers[servers.length - 1] as Peer<ServerCtx>;

  const assertClean = () => {
    const problems = [
      ...leftovers('client', client as Peer<unknown>),
      ...servers.flatMap((server, i) => leftovers(`server#${i}`, server as Peer<unknown>)),
    ];
    if (handlerErrors.length) {
      problems.push(`untaken handler error(s) in ${handlerErrors.map((e) => e.method).join(', ')}`);
    }
    if (strays.length && !options.allowStrays) problems.push(`${strays.length} stray response(s)`);
    if (problems.length) throw new Error(`test pair not clean: ${problems.join('; ')}`);
  };

  return {
    client,
    get server() {
      return current();
    },
    service,
    async drop() {
      const server = current();
      const both = Promise.all([
        new Promise<void>((resolve) => server.once('close', () => resolve())),
        new Promise<void>((resolve) => client.once(options.client?.persistent ? 'detach' : 'close', () => resolve())),
      ]);
      // Closing the server's end, not the peer: the memory pair tells both sides, like a dropped socket.
      server.close(1006, 'dropped');
      await both;
    },
    reconnect: connect,
    takeHandlerErrors: () => handlerErrors.splice(0),
    takeStrays: () => strays.splice(0),
    assertClean,
    async [Symbol.asyncDispose]() {
      try {
        assertClean();
      } finally {
        client.close();
        for (const server of servers) server.close();
      }
    },
  };
}
