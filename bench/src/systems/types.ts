import type { BuildOptions } from 'esbuild';
/**
 * The seam between the harness and each system under test. An adapter is the smallest
 * program a user of that library would write: a server answering `echo` and pushing events,
 * and a client calling `echo` and receiving them, each through the library's documented API.
 */
import type { ScenarioId } from '../scenarios/catalog.js';

/** A running server of one system, inside the server process. */
export interface BenchServer {
  readonly port: number;
  /** Sends one event to every subscribed client, the way the library broadcasts. */
  publish(event: unknown): void | Promise<unknown>;
  /** Open connections the server knows of, so the harness can wait until all have arrived. */
  connections(): number;
  close(): Promise<void>;
}

/** One client connection of one system, inside the load-generator process. */
export interface BenchClient {
  /** Calls `echo` with `params` and resolves with the result. */
  call(params: Record<string, unknown>): Promise<unknown>;
  /** Subscribes to the event stream; resolves once the server will deliver to this client. */
  subscribe(onEvent: (event: unknown) => void): Promise<void>;
  close(): void;
}

/** How a server is started. */
export interface ServerOptions {
  /** Redis to share topics through with other server processes; none (each on its own) when undefined. */
  redisUrl?: string;
  /** Whether `redisUrl` is a node of a Redis Cluster. Default false. */
  redisCluster?: boolean;
  /** permessage-deflate on, for clients that offer it (all the load generator's do). Default false. */
  deflate?: boolean;
}

/** Starts a system's server on 127.0.0.1 on a free port. */
export type StartServer = (options?: ServerOptions) => Promise<BenchServer>;

/** How a client connection is opened. */
export interface ConnectOptions {
  /**
   * Loopback source address to connect from (127.0.0.2, …), so that many connections are not
   * limited by one address's ephemeral ports; the system's default (127.0.0.1) when undefined.
   */
  localAddress?: string;
}

/** Opens one client connection and resolves once it can call. */
export type Connect = (url: string, options?: ConnectOptions) => Promise<BenchClient>;

/** Where a system's pieces are, loaded only in the process that needs them. */
export interface SystemEntry {
  /** Column name in the table. */
  readonly name: string;
  /**
   * What the system is in the report: a `floor` (hand-written on `ws`; each scenario's baseline
   * is the better floor in that run), a `reference` floor shown beside them but never the
   * baseline, or a `library` measured against the baseline.
   */
  readonly role: 'floor' | 'reference' | 'library';
  /**
   * What runs its server process: 'bun' for the workspace's pinned Bun (`npx bun`), the Node
   * running the bench when undefined. Load generators always run on Node.
   */
  readonly runtime?: 'bun';
  /** The only scenarios it runs; every scenario when undefined. */
  readonly scenarios?: readonly ScenarioId[];
  readonly server: () => Promise<StartServer>;
  readonly client: () => Promise<Connect>;
  /**
   * Module text bundled for the browser to measure its size, with the esbuild `options` its own
   * browser build adds (so that the bytes are those it ships); undefined where there is no browser build.
   */
  readonly browserEntry?: {
    readonly contents: string;
    readonly resolveDir: 'bench' | 'client';
    readonly note: string;
    readonly options?: Pick<BuildOptions, 'mangleProps' | 'tsconfigRaw'>;
  };
  /** npm packages whose versions the report names. */
  readonly packages: readonly string[];
}
