/**
 * What travels with an event beside its data, never inside it: a trace context
 * (`traceparent`, `tracestate`) is the use. Subscribers do not see it; a broker stores it with
 * the event, so that whichever process delivers the event gets it too.
 */
export type EventMeta = Readonly<Record<string, string>>;

/**
 * One event on a topic. Ids rise by exactly 1 per publish on that topic, so a hole is visible;
 * `{ id, epoch }` is the event's position. The epoch names one incarnation of the topic's
 * history and changes whenever that history is lost (a broker that restarted empty), so a
 * position from before the loss can never pass for one after it, whatever the ids.
 */
export interface TopicEvent<T = unknown> {
  /** The topic it was published on. */
  readonly topic: string;
  /** Its position in the topic: consecutive from 1, so a hole means loss. */
  readonly id: number;
  /** The incarnation of the topic's history it belongs to. */
  readonly epoch: string;
  /** What was published. */
  readonly data: T;
  /** What was published with it (see EventMeta); absent when there was none. */
  readonly meta?: EventMeta;
}

/** What `history` found after an id: the events, and whether they are all of them. */
export interface HistorySlice {
  /** The events after the id asked for, oldest first. */
  readonly events: TopicEvent[];
  /** False when some events after the id asked for were already trimmed from the history. */
  readonly complete: boolean;
  /** The topic's newest id (0 when nothing was ever published). */
  readonly lastId: number;
  /** The topic's current epoch; undefined while it has none yet (nothing published since it was lost, or ever). */
  readonly epoch: string | undefined;
}

/** `ok`, or `degraded` while a shared backend is unreachable (publish may fail; local calls go on). */
export type BrokerStatus = 'ok' | 'degraded';

/** Stops a broker subscription; resolves once no more events will be delivered to it. */
export type Unsubscribe = () => Promise<void>;

/**
 * Where topics live: the seam between a server and whatever carries its events. The embedded
 * default is in memory; `@tether/redis` shares topics between processes. Per topic, a broker
 * delivers every event to every subscriber exactly once, in id order.
 */
export interface Broker {
  /** Publishes and resolves with the event's id once it is stored and on its way; `meta` goes with the event. */
  publish(topic: string, data: unknown, meta?: EventMeta): Promise<number>;
  /**
   * Delivers each later event on `topic` to `listener`. Resolves once live delivery has
   * started: any event published after that is delivered, so `history` called afterwards
   * covers everything before it (events seen twice are told apart by id).
   */
  subscribe(topic: string, listener: (event: TopicEvent) => void): Promise<Unsubscribe>;
  /** Events of the current epoch on `topic` with an id above `afterId`, from the bounded history. */
  history(topic: string, afterId: number): Promise<HistorySlice>;
  /** Events kept per topic for resume, where the broker has a fixed bound (`rpc.discover` reports it). */
  readonly historySize?: number;
  /** Current health, for brokers that depend on something outside the process. */
  readonly status: BrokerStatus;
  /** Called with each change of status. */
  onStatus(listener: (status: BrokerStatus) => void): void;
  /** Releases the broker's resources; no listener is called afterwards. */
  close(): Promise<void>;
}
