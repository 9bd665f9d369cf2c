// The options of a subscription and what it is told of a gap: its public types, apart from the class.

/**
 * Events a subscription could not get: those after `after` and before `next`. With `restarted`,
 * the topic's history was lost and started over under `epoch` (absent while nothing has been
 * published in it yet): `after` counted in the lost history, `next` counts in the new one.
 */
export interface SubscriptionGap {
  /** The last event id received before the hole (of the old epoch when `restarted`). */
  readonly after: number;
  /** The id of the first event delivered after the hole. */
  readonly next: number;
  /** True when the topic lost its history (a new epoch): `after` and `next` belong to different epochs. */
  readonly restarted?: boolean;
  /** The topic's epoch from `next` on, when it changed. */
  readonly epoch?: string;
}

/** Options for `peer.subscribe`. */
export interface SubscribeOptions<T> {
  /** Aborting ends the subscription, as `unsubscribe()` does. */
  signal?: AbortSignal;
  /** Receives each event, for the callback style; the async iterator then yields nothing. */
  onEvent?: (data: T, eventId: number | undefined) => void;
  /**
   * Told of events that could not be delivered, and whether the topic restarted (servers from
   * before epochs said so with `next <= after`). Without it a gap ends the subscription with a
   * HistoryGap error: never a silent hole.
   */
  onGap?: (gap: SubscriptionGap) => void;
  /** Resume after this event id, e.g. `lastEventId` kept from an earlier session. Default: from now on. */
  after?: number;
  /**
   * The epoch `after` belongs to (`epoch` kept with `lastEventId`): a topic that lost its
   * history since is then reported as a restart, never taken for a continuation. Without it the
   * server takes `after` as a position in the topic's current epoch. Default: none.
   */
  epoch?: string;
  /**
   * Events held for a slow iterator. Past it delivery pauses, and resumes from the topic's
   * history once the iterator has caught up, so nothing is lost while history covers the pause.
   * Default 1000.
   */
  bufferSize?: number;
  /** Timeout of each subscribe request in ms. Default 30000. */
  timeout?: number;
}
