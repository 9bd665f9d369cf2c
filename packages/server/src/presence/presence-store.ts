/** One entry of a presence topic: a stable identity (a user, a session: not a connection) and its metadata. */
export interface PresenceEntry<M = unknown> {
  /** The identity held: a user or session id, whatever the application tracks by. */
  readonly key: string;
  /** The metadata most recently tracked for the key. */
  readonly meta: M;
}

/** A change to a presence topic, as its stream carries it. */
export interface PresenceChange<M = unknown> {
  /** `join`: the key's first holder arrived; `update`: its metadata changed; `leave`: its last holder went. */
  readonly kind: 'join' | 'update' | 'leave';
  /** The identity that changed. */
  readonly key: string;
  /** Its metadata: the new one for `join` and `update`, the last one for `leave`. */
  readonly meta: M;
}

/**
 * Where presence lives: the seam between a server and whatever shares its presence topics,
 * as the Broker is for events. A key is in a topic while at least one holder holds it; a
 * holder is one connection (or handle) on one node, named uniquely across nodes, so a client
 * that reconnects elsewhere holds its key twice for a moment and is listed once. The embedded
 * default is in memory; `@tether/redis` shares presence between processes, expiring the
 * holders of a node that stops refreshing them (one that died).
 */
export interface PresenceStore {
  /**
   * Holds `key` in `topic` for `holder`, with `meta` (tracking again replaces the metadata).
   * Resolves with the change to announce, decided atomically across nodes: `join` for the
   * key's first holder, `update` when the metadata differs, otherwise undefined.
   */
  track(topic: string, key: string, holder: string, meta: unknown): Promise<PresenceChange | undefined>;
  /** Releases `holder`'s hold on `key`; resolves with `leave` when it was the last, otherwise undefined. */
  untrack(topic: string, key: string, holder: string): Promise<PresenceChange | undefined>;
  /** The keys held in `topic` now, in no set order. */
  list(topic: string): Promise<PresenceEntry[]>;
  /**
   * Called with changes the store found by itself (the holders of a dead node expired, or a
   * node's holders that had expired while it was cut off came back), for the server to
   * announce. Each change goes to exactly one store sharing the backend.
   */
  onChange(listener: (topic: string, change: PresenceChange) => void): void;
  /** Releases the store's resources; holds made through it are left to the backend (a server releases its own first). */
  close(): Promise<void>;
}
