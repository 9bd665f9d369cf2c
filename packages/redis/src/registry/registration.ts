import type { RedisClient } from '../connection.js';
import { fromRedisError } from '../errors.js';
import { encodeProvider, type Provider } from './provider.js';

/** Where a registration writes: its record (which expires) and the service's set of ids. */
export interface RegistrationKeys {
  readonly record: string;
  readonly set: string;
}

/**
 * One provider's presence in the registry. It owns a heartbeat that rewrites the record with a
 * fresh TTL every ttl/3, so two missed beats are survived and a dead process is gone within
 * the TTL. A beat that fails (Redis away) is not retried early: the next one restores the
 * record and the set entry, even after Redis came back empty.
 */
export class Registration implements AsyncDisposable {
  private provider: Provider;
  private readonly timer: ReturnType<typeof setInterval>;
  private beating: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RegistrationKeys,
    provider: Provider,
    private readonly ttl: number,
    private readonly onStop: (registration: Registration) => void,
  ) {
    this.provider = provider;
    this.timer = setInterval(
      () => {
        if (!this.beating)
          this.beating = this.beat()
            .catch(() => undefined)
            .finally(() => (this.beating = undefined));
      },
      Math.max(1, Math.floor(ttl / 3)),
    );
    // Serving keeps a process alive; the heartbeat alone should not.
    this.timer.unref();
  }

  /** The service registered for. */
  get service(): string {
    return this.provider.service;
  }

  /** The provider's node id. */
  get nodeId(): string {
    return this.provider.nodeId;
  }

  /** Writes the record and the set entry now; rejects if Redis cannot be reached. */
  async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.redis
        .multi()
        .set(this.keys.record, encodeProvider(this.provider), 'PX', this.ttl)
        .sadd(this.keys.set, this.provider.nodeId)
        .exec();
    } catch (error) {
      throw fromRedisError('register', error);
    }
  }

  /** Reports a new load; routers see it from the next heartbeat on. */
  setLoad(load: number): void {
    this.provider = { ...this.provider, load };
  }

  /** Leaves the registry now (best effort: if Redis is away, the record expires within the TTL). */
  async unregister(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.onStop(this);
    await this.beating;
    await this.redis
      .multi()
      .del(this.keys.record)
      .srem(this.keys.set, this.provider.nodeId)
      .exec()
      .catch(() => undefined);
  }

  /** Unregisters, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.unregister();
  }
}
