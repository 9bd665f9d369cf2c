/** The Redis keys of one topic: its id counter, its stream of events, and the epoch they count in. */
export interface TopicKeys {
  readonly counter: string;
  readonly stream: string;
  readonly epoch: string;
}

/** Key names under a prefix, so that several applications (or test runs) can share one Redis. */
export class BrokerKeys {
  constructor(private readonly prefix: string) {}

  topic(topic: string): TopicKeys {
    const base = `${this.prefix}topic:${topic}`;
    return { counter: `${base}:seq`, stream: `${base}:events`, epoch: `${base}:epoch` };
  }

  /** A broker's private stream, written to wake its own blocked reader when its topic set changes. */
  wake(brokerId: string): string {
    return `${this.prefix}wake:${brokerId}`;
  }
}
