/** The Redis keys of one topic: its id counter and its stream of events. */
export interface TopicKeys {
  readonly counter: string;
  readonly stream: string;
}

/** Key names under a prefix, so that several applications (or test runs) can share one Redis. */
export class BrokerKeys {
  constructor(private readonly prefix: string) {}

  topic(topic: string): TopicKeys {
    return { counter: `${this.prefix}topic:${topic}:seq`, stream: `${this.prefix}topic:${topic}:events` };
  }

  /** A broker's private stream, written to wake its own blocked reader when its topic set changes. */
  wake(brokerId: string): string {
    return `${this.prefix}wake:${brokerId}`;
  }
}
