import type { Broker, BrokerStatus, EventMeta, HistorySlice, TopicEvent, Unsubscribe } from './broker.js';

/** Options for the in-memory broker. */
export interface MemoryBrokerOptions {
  /** Events kept per topic for resume. Default 1000. */
  historySize?: number;
}

interface Topic {
  lastId: number;
  /** A ring of the newest events, oldest first once wrapped. */
  readonly history: TopicEvent[];
  readonly listeners: Set<(event: TopicEvent) => void>;
}

/**
 * The embedded default broker: topics in this process's memory, history bounded per topic.
 * Its history lives exactly as long as the instance, so one epoch, drawn at construction, serves
 * every topic: a new broker (a restarted server) has new epochs, and a topic dropped while
 * nothing was ever published on it had no history to lose.
 */
export class MemoryBroker implements Broker {
  readonly status: BrokerStatus = 'ok';
  // Web Crypto's, not node:crypto's: the broker runs on Bun, Deno and workerd too.
  private readonly epoch = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  private readonly topics = new Map<string, Topic>();
  /** Events kept per topic. */
  readonly historySize: number;

  constructor(options: MemoryBrokerOptions = {}) {
    this.historySize = options.historySize ?? 1000;
  }

  async publish(topic: string, data: unknown, meta?: EventMeta): Promise<number> {
    const t = this.topic(topic);
    const id = ++t.lastId;
    const event: TopicEvent = meta
      ? { topic, id, epoch: this.epoch, data, meta }
      : { topic, id, epoch: this.epoch, data };
    if (this.historySize > 0) {
      t.history.push(event);
      if (t.history.length > this.historySize) t.history.shift();
    }
    for (const listener of t.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still get the event.
      }
    }
    return event.id;
  }

  async subscribe(topic: string, listener: (event: TopicEvent) => void): Promise<Unsubscribe> {
    const t = this.topic(topic);
    const own = (event: TopicEvent) => listener(event);
    t.listeners.add(own);
    return async () => {
      t.listeners.delete(own);
      if (t.listeners.size === 0 && t.history.length === 0 && t.lastId === 0) this.topics.delete(topic);
    };
  }

  async history(topic: string, afterId: number): Promise<HistorySlice> {
    const t = this.topics.get(topic);
    if (!t) return { events: [], complete: true, lastId: 0, epoch: this.epoch };
    const first = t.history[0]?.id ?? t.lastId + 1;
    const events = t.history.filter((e) => e.id > afterId);
    return { events, complete: afterId >= first - 1 || afterId >= t.lastId, lastId: t.lastId, epoch: this.epoch };
  }

  onStatus(): void {
    // Memory never degrades.
  }

  /** Listener count on a topic: lets tests assert that unsubscribing frees the entry. */
  listenerCount(topic: string): number {
    return this.topics.get(topic)?.listeners.size ?? 0;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }

  private topic(name: string): Topic {
    let t = this.topics.get(name);
    if (!t) {
      t = { lastId: 0, history: [], listeners: new Set() };
      this.topics.set(name, t);
    }
    return t;
  }
}
