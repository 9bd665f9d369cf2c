import type { EventStream, StreamSink } from '@tether/core';
import type { Broker, TopicEvent, Unsubscribe } from '../broker/broker.js';

/**
 * How a resuming subscriber's replay went: every event after its position was replayed; some
 * were gone (`gap`); or its position was in a history since lost (`restarted`).
 */
export type ResumeOutcome = 'replayed' | 'gap' | 'restarted';

/** One subscriber of a topic on this server, and the position of the last event it was sent. */
interface Receiver {
  readonly sink: StreamSink;
  lastSent: number | undefined;
  /** The epoch `lastSent` counts in; undefined until known. */
  epoch: string | undefined;
  /** Live events held while history is being replayed; null once live delivery is direct. */
  held: TopicEvent[] | null;
}

interface LocalTopic {
  readonly receivers: Set<Receiver>;
  /** The broker subscription, shared by every receiver of the topic on this server. */
  readonly subscribed: Promise<Unsubscribe>;
}

/**
 * A server's view of its broker's topics. It holds one broker subscription per topic however
 * many connections subscribe, encodes each event's data once for all of them, replays history
 * for a resuming subscriber, and turns any hole in the ids, and any change of epoch, into an
 * explicit gap.
 */
export class TopicHub {
  private readonly topics = new Map<string, LocalTopic>();

  constructor(
    private readonly broker: Broker,
    /** Told how each resume went, for metrics. */
    private readonly onResume: (topic: string, outcome: ResumeOutcome) => void = () => undefined,
  ) {}

  publish(topic: string, data: unknown): Promise<number> {
    return this.broker.publish(topic, data);
  }

  /** Receivers on this server for `topic`: what an unsubscribe must bring back down. */
  receiverCount(topic: string): number {
    return this.topics.get(topic)?.receivers.size ?? 0;
  }

  /** A stream of `topic` for one subscription, resuming after the id it is opened with. */
  stream(topic: string): EventStream {
    let receiver: Receiver | undefined;
    let closed = false;
    return {
      topic,
      open: async (sink, after, epoch) => {
        receiver = { sink, lastSent: after, epoch, held: after === undefined ? null : [] };
        await this.attach(topic, receiver);
        if (closed || after === undefined) return;
        this.onResume(topic, await this.replay(topic, receiver, after, epoch));
      },
      close: () => {
        closed = true;
        if (receiver) this.detach(topic, receiver);
      },
    };
  }

  async close(): Promise<void> {
    const topics = [...this.topics.values()];
    this.topics.clear();
    await Promise.all(topics.map(async (t) => (await t.subscribed)()));
  }

  private async attach(topic: string, receiver: Receiver): Promise<void> {
    let local = this.topics.get(topic);
    if (!local) {
      const receivers = new Set<Receiver>();
      const subscribed = this.broker.subscribe(topic, (event) => this.fanOut(receivers, event));
      local = { receivers, subscribed };
      this.topics.set(topic, local);
    }
    local.receivers.add(receiver);
    await local.subscribed;
  }

  private detach(topic: string, receiver: Receiver): void {
    const local = this.topics.get(topic);
    if (!local || !local.receivers.delete(receiver) || local.receivers.size > 0) return;
    this.topics.delete(topic);
    void local.subscribed.then((unsubscribe) => unsubscribe()).catch(() => undefined);
  }

  /**
   * Sends what came after the subscriber's position. A position in another epoch than the
   * topic's is from a history that was lost, whatever its id: the subscriber is told the topic
   * restarted, then gets the new epoch from the oldest event kept. Without an epoch (a
   * subscriber from before epochs) the id is taken as one in the current epoch, and only an id
   * past the newest can show the restart.
   */
  private async replay(
    topic: string,
    receiver: Receiver,
    after: number,
    epoch: string | undefined,
  ): Promise<ResumeOutcome> {
    let outcome: ResumeOutcome = 'replayed';
    let slice = await this.broker.history(topic, after);
    if (epoch === undefined ? after > slice.lastId : epoch !== slice.epoch || after > slice.lastId) {
      outcome = 'restarted';
      slice = await this.broker.history(topic, 0);
      const next = slice.events[0]?.id ?? slice.lastId + 1;
      receiver.sink.gap(after, next, { epoch: slice.epoch });
      receiver.lastSent = next - 1;
    } else if (!slice.complete) {
      outcome = 'gap';
      const next = slice.events[0]?.id ?? slice.lastId + 1;
      receiver.sink.gap(after, next);
      receiver.lastSent = next - 1;
    }
    receiver.epoch = slice.epoch;
    for (const event of slice.events) this.deliver(receiver, event, undefined);
    const held = receiver.held ?? [];
    receiver.held = null;
    for (const event of held) this.deliver(receiver, event, undefined);
    return outcome;
  }

  private fanOut(receivers: Set<Receiver>, event: TopicEvent): void {
    let json: string | undefined;
    for (const receiver of receivers) {
      if (receiver.held) {
        receiver.held.push(event);
        continue;
      }
      if (receiver.lastSent !== undefined && receiver.epoch !== undefined && event.epoch !== receiver.epoch) {
        this.restarted(receiver, event);
        continue;
      }
      json ??= JSON.stringify(event.data) ?? 'null';
      this.deliver(receiver, event, json);
    }
  }

  /**
   * The topic changed epoch under a live receiver: the broker lost its history (Redis came back
   * empty, or was flushed). The receiver is replayed the new epoch from its oldest event, as a
   * resume from its position would be, so that its gap covers only what is gone: a broker whose
   * reader was past the new epoch's first ids delivers only the events above them.
   */
  private restarted(receiver: Receiver, event: TopicEvent): void {
    const after = receiver.lastSent ?? 0;
    receiver.held = [event];
    this.replay(event.topic, receiver, after, receiver.epoch).catch(() => {
      // No history to be had now (the broker went away again): report the restart from the events at hand.
      const held = receiver.held ?? [];
      receiver.held = null;
      for (const e of held) this.deliver(receiver, e, undefined);
    });
  }

  private deliver(receiver: Receiver, event: TopicEvent, json: string | undefined): void {
    const last = receiver.lastSent;
    if (last !== undefined && receiver.epoch !== undefined && event.epoch !== receiver.epoch) {
      receiver.sink.gap(last, event.id, { epoch: event.epoch });
    } else if (last !== undefined) {
      if (event.id <= last) return; // already sent: history and the live feed overlap
      if (event.id > last + 1) receiver.sink.gap(last, event.id); // the broker lost events
    }
    receiver.lastSent = event.id;
    receiver.epoch = event.epoch;
    receiver.sink.next(event.data, event.id, json, event.epoch);
  }
}
