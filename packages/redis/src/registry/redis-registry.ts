import { ErrorCode, RpcError } from '@tether/core';
import { openConnection, readyWithin, type RedisClient, type RedisTarget } from '../connection.js';
import { closedError, fromRedisError, unavailable } from '../errors.js';
import { pickProvider } from './pick.js';
import { decodeProvider, serves, type Provider, type ProviderInfo } from './provider.js';
import { Registration } from './registration.js';
import { liveProvidersScript } from './scripts.js';

/** Options for the service registry. */
export interface RedisRegistryOptions extends RedisTarget {
  /** Milliseconds a provider stays listed without a heartbeat (it beats every ttl/3). Default 10000. */
  ttl?: number;
  /** Prefix of every key. Default `tether:`. */
  prefix?: string;
  /** How long an operation issued before the first connection waits for it, in ms. Default 10000. */
  connectTimeout?: number;
}

/**
 * Which processes serve which service, kept in Redis: each provider holds a record with a TTL
 * that its heartbeat refreshes (a crashed one disappears within the TTL) and an entry in the
 * service's set, for discovery. `route` picks the least-loaded live provider, rotating among
 * equals.
 */
export class RedisRegistry implements AsyncDisposable {
  private readonly redis: RedisClient;
  private readonly ttl: number;
  private readonly prefix: string;
  private readonly connectTimeout: number;
  private everReady = false;
  private readonly registrations = new Set<Registration>();
  private readonly turns = new Map<string, number>();
  private closed = false;

  /** @internal Use `redisRegistry()`. */
  constructor(options: RedisRegistryOptions) {
    this.ttl = options.ttl ?? 10_000;
    if (!Number.isSafeInteger(this.ttl) || this.ttl < 3)
      throw new RangeError(`tether/redis: ttl must be an integer of at least 3 ms, got ${this.ttl}`);
    this.prefix = options.prefix ?? 'tether:';
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.redis = openConnection(options, 'tether-registry');
  }

  /** Lists `service`'s provider `info` until unregistered; rejects if Redis cannot be reached. */
  async register(service: string, info: ProviderInfo): Promise<Registration> {
    await this.connected('register');
    if (!info.nodeId) throw new RpcError(ErrorCode.InvalidParams, 'tether/redis: register needs a nodeId');
    const provider: Provider = {
      service,
      nodeId: info.nodeId,
      url: info.url,
      methods: [...(info.methods ?? [])],
      load: info.load ?? 0,
    };
    const registration = new Registration(
      this.redis,
      { record: this.recordKey(service, info.nodeId), set: this.setKey(service) },
      provider,
      this.ttl,
      (r) => this.registrations.delete(r),
    );
    this.registrations.add(registration);
    try {
      await registration.beat();
    } catch (error) {
      await registration.unregister();
      throw error;
    }
    return registration;
  }

  /** The live providers of `service` (those that heartbeat within the TTL), in no set order. */
  async providers(service: string): Promise<Provider[]> {
    await this.connected('providers');
    let records: unknown;
    try {
      records = await liveProvidersScript.run(this.redis, [this.setKey(service)], [this.recordKey(service, '')]);
    } catch (error) {
      throw fromRedisError('providers', error);
    }
    const out: Provider[] = [];
    for (const record of records as string[]) {
      const provider = decodeProvider(record);
      if (provider) out.push(provider);
    }
    return out;
  }

  /**
   * Picks a live provider of `service` (serving `method`, when given): the least loaded, in
   * turn among equals. Rejects with Unavailable when there is none.
   */
  async route(service: string, method?: string): Promise<Provider> {
    return this.choose(service, await this.providers(service), method);
  }

  /** Picks from providers already listed, as `route` does; throws Unavailable when none fits. */
  choose(service: string, providers: readonly Provider[], method?: string): Provider {
    const candidates = method === undefined ? providers : providers.filter((p) => serves(p, method));
    const turn = this.turns.get(service) ?? 0;
    this.turns.set(service, turn + 1);
    const chosen = pickProvider(candidates, turn);
    if (!chosen) {
      const what = method === undefined ? service : `${service} (${method})`;
      throw new RpcError(ErrorCode.Unavailable, `tether/redis: no live provider of ${what}`, { service, method });
    }
    return chosen;
  }

  /** Unregisters every provider registered here and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.registrations].map((r) => r.unregister()));
    this.redis.disconnect();
  }

  /** Closes the registry, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Waits for the first connection, or fails fast once the registry has been connected. */
  private async connected(operation: string): Promise<void> {
    if (this.closed) throw closedError('registry');
    if (!this.everReady) this.everReady = await readyWithin(this.redis, this.connectTimeout);
    if (this.redis.status !== 'ready') throw unavailable(operation);
  }

  /** A service's keys share the hash tag `{service}`: its script reads them together, in one cluster slot. */
  private setKey(service: string): string {
    return `${this.prefix}service:{${service}}:providers`;
  }

  private recordKey(service: string, nodeId: string): string {
    return `${this.prefix}service:{${service}}:provider:${nodeId}`;
  }
}

/** Makes a service registry on Redis: `redisRegistry({ url, ttl })`. */
export function redisRegistry(options: RedisRegistryOptions): RedisRegistry {
  return new RedisRegistry(options);
}
