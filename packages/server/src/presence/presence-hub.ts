import type { EventStream } from '@tether/core';
import type { PresenceChange, PresenceEntry, PresenceStore } from './presence-store.js';

/** The broker topic a presence topic's changes are published on. */
export const presenceEventsTopic = (topic: string): string => `tether.presence:${topic}`;

/** A connection a hold can be tied to: a server's `Peer` is one. */
export interface PresenceConnection {
  /** Whether it has closed already: a hold tied to it is then released at once. */
  readonly closed: boolean;
  /** Calls `listener` once, when it closes. */
  once(event: 'close', listener: () => void): unknown;
}

/** Options for `presence(topic).track`. */
export interface TrackOptions {
  /** The connection the hold belongs to: it is released when the connection closes. Default: none, release it with `untrack`. */
  connection?: PresenceConnection;
}

/** One hold on a presence key. Whoever tracked it releases it (or its connection's close does). */
export interface Tracking {
  /** The key held. */
  readonly key: string;
  /** Whether this hold made the key join (no holder on any node had it): a claim, decided atomically. */
  readonly joined: boolean;
  /** Replaces the key's metadata; announced as `update` when it differs. */
  update(meta: unknown): Promise<void>;
  /** Releases the hold; the key leaves once no holder on any node is left. Calling it again does nothing. */
  untrack(): Promise<void>;
}

/** A presence topic as a server serves it: who is here (by stable key), and a stream of joins and leaves. */
export interface Presence {
  /** Holds `key` here with `meta`; resolves once it is listed on every node sharing the store. */
  track(key: string, meta: unknown, options?: TrackOptions): Promise<Tracking>;
  /** The keys held now, on every node sharing the store. */
  list(): Promise<PresenceEntry[]>;
  /** `PresenceChange` events with ids, resumable with gaps like any topic: for a subscription handler to return. */
  stream(): EventStream;
}

/** What the hub needs from its server: its topics, and where to report what no caller awaits. */
export interface PresenceHost {
  publish(topic: string, data: unknown): Promise<number>;
  stream(topic: string): EventStream;
  report(error: unknown): void;
}

/**
 * A server's presence: holds it made (each named `<node>/<n>`, unique across nodes), the
 * announcement of every change on the topic's broker topic, and the release of whatever is
 * still held when the server closes.
 */
export class PresenceHub {
  // Web Crypto, present on every runtime the server runs on (Node 20, Bun, Deno, workerd).
  private readonly node = crypto.randomUUID();
  private serial = 0;
  private readonly held = new Set<() => Promise<void>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly host: PresenceHost,
  ) {
    store.onChange((topic, change) => this.keep(this.announce(topic, change)));
  }

  presence(topic: string): Presence {
    return {
      track: (key, meta, options) => this.track(topic, key, meta, options?.connection),
      list: () => this.store.list(topic),
      stream: () => this.host.stream(presenceEventsTopic(topic)),
    };
  }

  /** Releases every hold still made here, announcing the leaves; resolves once all are done. */
  async close(): Promise<void> {
    // A store that cannot be reached now drops these holds within its ttl: reported, not thrown.
    await Promise.all([...this.held].map((release) => release().catch((error: unknown) => this.host.report(error))));
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private async track(
    topic: string,
    key: string,
    meta: unknown,
    connection: PresenceConnection | undefined,
  ): Promise<Tracking> {
    const holder = `${this.node}/${++this.serial}`;
    // One hold's operations run in call order: an untrack issued while its track is in flight waits for it.
    const tracked = this.store.track(topic, key, holder, meta);
    let chain: Promise<void> = this.keep(this.change(topic, tracked));
    await chain;
    const joined = (await tracked)?.kind === 'join';
    const next = (operation: () => Promise<PresenceChange | undefined>) => {
      chain = this.keep(chain.catch(() => undefined).then(() => this.change(topic, operation())));
      return chain;
    };
    let released: Promise<void> | undefined;
    const untrack = () => {
      released ??= (async () => {
        this.held.delete(untrack);
        await next(() => this.store.untrack(topic, key, holder));
      })();
      return released;
    };
    this.held.add(untrack);
    const tracking: Tracking = {
      key,
      joined,
      update: async (meta) => {
        if (!released) await next(() => this.store.track(topic, key, holder, meta));
      },
      untrack,
    };
    if (connection) {
      if (connection.closed) await untrack();
      else connection.once('close', () => void untrack().catch((error: unknown) => this.host.report(error)));
    }
    return tracking;
  }

  /** Waits for a store operation and announces the change it made, if any. */
  private async change(topic: string, operation: Promise<PresenceChange | undefined>): Promise<void> {
    const change = await operation;
    if (change) await this.announce(topic, change);
  }

  /**
   * Publishes a change. The hold is made (or released) whether or not the broker takes the
   * announcement, so a failure is reported, not thrown: `list` stays the truth.
   */
  private async announce(topic: string, change: PresenceChange): Promise<void> {
    try {
      await this.host.publish(presenceEventsTopic(topic), change);
    } catch (error) {
      this.host.report(error);
    }
  }

  private keep<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
    return promise;
  }
}
