import type { CallOptions, Params } from '@tether/core';
import type { Provider } from './provider.js';
import type { RedisRegistry } from './redis-registry.js';

/** What the router needs of a connection to a provider: a Tether `Client` or a `Peer` fits. */
export interface ProviderConnection {
  /** Calls a method of the provider. */
  call<T = unknown>(method: string, params?: Params, options?: CallOptions): Promise<T>;
  /** Closes the connection, once the provider has left the registry or the router closes. */
  close(): unknown;
}

/** Options for a service router. */
export interface ServiceRouterOptions {
  /** Where providers are looked up. Required. */
  registry: RedisRegistry;
  /** Opens a connection to a provider (e.g. `(p) => connect(p.url)`); kept until the provider leaves the registry. Required. */
  connect: (provider: Provider) => ProviderConnection;
  /**
   * Per-call timeout in ms, used when a call sets none: a call whose provider dies mid-call
   * rejects with ConnectionClosed when its connection drops, or with Timeout by then at the
   * latest. Must be positive, so that no routed call waits forever. Default 30000.
   */
  timeout?: number;
}

interface Held {
  readonly service: string;
  readonly connection: ProviderConnection;
}

/**
 * Calls a service wherever it is served: each call asks the registry for the live providers,
 * takes the one `route` would, and goes out on a connection to it, opened on first use. A call
 * is never retried on another provider, since it may have run before its provider died.
 */
export class ServiceRouter implements AsyncDisposable {
  private readonly held = new Map<string, Held>();
  private readonly timeout: number;

  constructor(private readonly options: ServiceRouterOptions) {
    this.timeout = options.timeout ?? 30_000;
    if (!(this.timeout > 0))
      throw new RangeError(`tether/redis: the router's timeout must be positive, got ${this.timeout}`);
  }

  /** Calls `method` on a live provider of `service`; rejects with Unavailable when there is none. */
  async call<T = unknown>(service: string, method: string, params?: Params, options?: CallOptions): Promise<T> {
    const live = await this.options.registry.providers(service);
    this.release(service, live);
    const provider = this.options.registry.choose(service, live, method);
    const timeout = options?.timeout !== undefined && options.timeout > 0 ? options.timeout : this.timeout;
    return this.connectionTo(provider).call<T>(method, params, { ...options, timeout });
  }

  /** Closes every connection the router opened. */
  async close(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.all(held.map(async (h) => h.connection.close()));
  }

  /** Closes the router, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private connectionTo(provider: Provider): ProviderConnection {
    const key = `${provider.service}\n${provider.nodeId}\n${provider.url}`;
    let held = this.held.get(key);
    if (!held) {
      held = { service: provider.service, connection: this.options.connect(provider) };
      this.held.set(key, held);
    }
    return held.connection;
  }

  /** Closes connections to providers of `service` that are no longer live (or moved). */
  private release(service: string, live: readonly Provider[]): void {
    const keep = new Set(live.map((p) => `${p.service}\n${p.nodeId}\n${p.url}`));
    for (const [key, held] of this.held) {
      if (held.service !== service || keep.has(key)) continue;
      this.held.delete(key);
      void Promise.resolve()
        .then(() => held.connection.close())
        .catch(() => undefined);
    }
  }
}
