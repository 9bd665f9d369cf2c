/** The Redis keys of one topic (its id counter, its stream of events, the epoch they count in) and the reader that reads it. */
export interface TopicKeys {
  readonly counter: string;
  readonly stream: string;
  readonly epoch: string;
  /** Which of the broker's readers reads the topic: its keys carry that reader's hash tag. */
  readonly reader: number;
}

/**
 * Key names under a prefix, so that several applications (or test runs) can share one Redis.
 * Topics are spread over `readers` groups by a hash of their name; every key of a group has
 * the group's hash tag (`{t<n>}`), so on a Redis Cluster a topic's counter, stream and epoch
 * (which a script touches together) and the group's wake stream sit in one slot, and one
 * blocking XREAD can read the whole group. The prefix must not contain braces (the tag's).
 */
export class BrokerKeys {
  constructor(
    private readonly prefix: string,
    private readonly readers: number,
  ) {}

  topic(topic: string): TopicKeys {
    const reader = this.readers === 1 ? 0 : fnv1a(topic) % this.readers;
    const base = `${this.prefix}{t${reader}}:topic:${topic}`;
    return { counter: `${base}:seq`, stream: `${base}:events`, epoch: `${base}:epoch`, reader };
  }

  /** A reader's private stream, written to wake it when its topic set changes: in its group's slot. */
  wake(brokerId: string, reader: number): string {
    return `${this.prefix}{t${reader}}:wake:${brokerId}`;
  }
}

/** FNV-1a over the name's UTF-16 units: a stable, well-spread hash, the same in every process. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
