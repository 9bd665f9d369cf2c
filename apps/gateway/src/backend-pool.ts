import { connect, type Client, type ClientOptions } from '@tether/client';
import { ErrorCode, RpcError } from '@tether/core';
import type { Provider, RedisRegistry } from '@tether/redis';

/** One back-end connection the pool holds. */
export interface Backend {
  /** `service/nodeId`, for metrics and errors. */
  readonly name: string;
  /** What the pool tells it apart by, to pass as `avoid`. */
  readonly key: string;
  readonly client: Client;
}

/** Options of the back-end pool. */
export interface BackendPoolOptions {
  /** Where back ends are found. */
  registry: RedisRegistry;
  /** Options of each back-end connection (an `intercept` to trace calls, say). Default: none. */
  client?: ClientOptions<unknown>;
  /**
   * How long a back end whose connection dropped is passed over, in ms, though the registry may
   * list it until its record expires. Default 10000 (the registry's default ttl).
   */
  downFor?: number;
  /** Called when a back end's connection closes: for a metric. */
  onDown?: (name: string) => void;
}

/**
 * The gateway's connections to its back ends. Each call asks the registry for the live
 * providers of a service and takes the least-loaded one, rotating among equals (the registry's
 * `choose`, as `ServiceRouter` does), skipping any whose connection dropped lately: the registry
 * lists a dead process until its ttl runs out, and a call sent there would only fail. A
 * connection never reconnects on its own; a dropped one is closed (its calls reject with the
 * reason) and the next call opens a new one if the provider is still listed after `downFor`.
 */
export class BackendPool implements AsyncDisposable {
  readonly #options: BackendPoolOptions;
  readonly #held = new Map<string, Backend>();
  readonly #down = new Map<string, number>();
  readonly #downFor: number;

  constructor(options: BackendPoolOptions) {
    this.#options = options;
    this.#downFor = options.downFor ?? 10_000;
  }

  /** A connection to a live provider of `service` serving `method`, other than `avoid` (a Backend's `key`); rejects with Unavailable when none is left. */
  async pick(service: string, method: string, avoid?: string): Promise<Backend> {
    const now = performance.now();
    const live = (await this.#options.registry.providers(service)).filter((p) => {
      const key = keyOf(p);
      const until = this.#down.get(key);
      if (until !== undefined && until <= now) this.#down.delete(key);
      return key !== avoid && !(until !== undefined && until > now);
    });
    if (live.length === 0) {
      throw new RpcError(ErrorCode.Unavailable, `gateway: no live back end serves ${method} (service ${service})`, {
        service,
        method,
      });
    }
    return this.#connectionTo(this.#options.registry.choose(service, live, method));
  }

  /** Connections open now. */
  get size(): number {
    return this.#held.size;
  }

  async close(): Promise<void> {
    const held = [...this.#held.values()];
    this.#held.clear();
    await Promise.all(held.map((b) => b.client.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #connectionTo(provider: Provider): Backend {
    const key = keyOf(provider);
    const held = this.#held.get(key);
    if (held) return held;
    const client = connect(provider.url, { ...this.#options.client, reconnect: { maxRetries: 0 } });
    const backend: Backend = { name: `${provider.service}/${provider.nodeId}`, key, client };
    this.#held.set(key, backend);
    client.once('closed', () => {
      if (this.#held.get(key) !== backend) return;
      this.#held.delete(key);
      this.#down.set(key, performance.now() + this.#downFor);
      this.#options.onDown?.(backend.name);
    });
    return backend;
  }
}

/** A provider as the pool tells them apart: a node that came back at another URL is another back end. */
function keyOf(provider: Provider): string {
  return `${provider.service}/${provider.nodeId}@${provider.url}`;
}
