import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, MemoryBroker, type Broker, type PresenceStore } from '@tether/server';
import { serveChat } from './chat-service.js';
import { loadAssets } from './http/assets.js';
import { staticHandler } from './http/static-handler.js';
import { ChatStore, type ChatStoreOptions } from './store/chat-store.js';

/** The path the page's WebSocket connects to. */
export const RPC_PATH = '/rpc';

/**
 * A stopping chat is usually restarting (or one of several behind a balancer): its pages spread
 * their reconnects over this many ms (close 1012) instead of all arriving in the first 250.
 */
const RECONNECT_WINDOW_MS = 1500;

/** Options for `startChat`. */
export interface ChatOptions {
  /** TCP port; 0 picks a free one. Default 5173. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1' (this machine only). */
  host?: string;
  /**
   * Where room topics live. Default: an in-memory broker made here and closed with the chat.
   * Pass one (and the same `store`) to a second `startChat` to restart with history intact.
   */
  broker?: Broker;
  /**
   * Where names, who is online, room members and typists are shared. Default: this server's
   * memory. Pass `redisPresence(...)` (with a `redisBroker` on the same Redis) to share the
   * chat between processes.
   */
  presence?: PresenceStore;
  /**
   * What the broker and presence share state through, for the page, e.g. 'Redis at redis://…'.
   * Default: none (this process's memory).
   */
  sharedThrough?: string;
  /** The chat's state. Default: a new store made here (with `storeOptions`) and closed with the chat. */
  store?: ChatStore;
  /** Options for the store made here when none is passed. Default: the store's defaults. */
  storeOptions?: ChatStoreOptions;
}

/** How often the chat tries again to read shared state it could not reach, in ms. */
const RETRY_SHARED_MS = 1000;

/** A running chat: the page and its WebSocket endpoint on one port. */
export interface ChatServer extends AsyncDisposable {
  /** The page's address: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** The state served; outlives `close()` when it was passed in. */
  readonly store: ChatStore;
  /** The broker used; outlives `close()` when it was passed in. */
  readonly broker: Broker;
  /** Drops every connection (clients see 1001 and reconnect), stops listening, and closes what was made here. */
  close(): Promise<void>;
}

/**
 * Starts the chat: bundles the page, serves it over HTTP, and serves the chat over Tether on
 * the same port at `/rpc`. Resolves once it is listening.
 */
export async function startChat(options: ChatOptions = {}): Promise<ChatServer> {
  const assets = await loadAssets();
  const ownsStore = options.store === undefined;
  const ownsBroker = options.broker === undefined;
  const store = options.store ?? new ChatStore(options.storeOptions);
  const broker = options.broker ?? new MemoryBroker();
  const http = createHttpServer(staticHandler(assets, RPC_PATH));
  await listen(http, options.port ?? 5173, options.host ?? '127.0.0.1');
  const presence = options.presence ? { presence: options.presence } : {};
  const tether = await createServer({ server: http, path: RPC_PATH, broker, ...presence });
  const served = serveChat(tether, store, { sharedThrough: options.sharedThrough ?? null });
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // Until the shared state has been read, the chat serves the page (which says what is wrong)
  // and tries again, at once when the broker reports it is back.
  const begin = (): Promise<void> =>
    served.start().then(
      () => served.setOk(broker.status === 'ok'),
      () => {
        served.setOk(false);
        if (closed) return;
        clearTimeout(retry);
        retry = setTimeout(() => void begin(), RETRY_SHARED_MS);
        retry.unref();
      },
    );
  tether.on('broker', (status) => {
    served.setOk(status === 'ok');
    if (status === 'ok') void begin();
  });
  if (broker.status === 'ok') await begin();
  else {
    served.setOk(false);
    void begin();
  }

  const { address, family, port } = http.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      closed = true;
      clearTimeout(retry);
      served.detach();
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      await tether.close({ deadline: 2000, reconnectWindow: RECONNECT_WINDOW_MS });
      http.closeAllConnections();
      await httpClosed;
      if (ownsStore) store.close();
      if (ownsBroker) await broker.close();
    })());

  return {
    url: `http://${host}:${port}/`,
    port,
    store,
    broker,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
