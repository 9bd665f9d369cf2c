import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import type { Broker, BrokerStatus, EventMeta, HistorySlice, TopicEvent, Unsubscribe } from '@tether/server';
import { extractFrom, injectInto } from './carrier.js';
import { resolve, type Resolved, type TelemetryOptions } from './options.js';
import {
  MESSAGING_DESTINATION_NAME,
  MESSAGING_MESSAGE_ID,
  MESSAGING_OPERATION_NAME,
  MESSAGING_OPERATION_TYPE,
  MESSAGING_SYSTEM,
  TETHER,
} from './semconv.js';

/**
 * A Broker that traces its topics, around any other (memory, Redis): each publish is a PRODUCER
 * span whose context travels as the event's meta (beside the data, never in it), and each
 * event delivered on this node is a CONSUMER span linked to the publish that made it, on
 * whichever node that was. The delivery span covers handing the event to every subscriber here.
 * It also remembers the last id delivered per topic, for the subscription lag metric.
 * Made by `traceBroker`; give it to `createServer({ broker })`.
 */
export class TracedBroker implements Broker {
  readonly #inner: Broker;
  readonly #telemetry: Resolved;
  /** The last event id delivered on this node, per topic with a live subscription. */
  readonly #delivered = new Map<string, number>();
  /** Subscriptions per topic, so that a topic's lag is dropped with its last one. */
  readonly #subscribers = new Map<string, number>();

  constructor(inner: Broker, options: TelemetryOptions = {}) {
    this.#inner = inner;
    this.#telemetry = resolve(options);
  }

  get status(): BrokerStatus {
    return this.#inner.status;
  }

  onStatus(listener: (status: BrokerStatus) => void): void {
    this.#inner.onStatus(listener);
  }

  async publish(topic: string, data: unknown, meta?: EventMeta): Promise<number> {
    const { tracer, propagator } = this.#telemetry;
    const parent = context.active();
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [MESSAGING_SYSTEM]: TETHER,
          [MESSAGING_OPERATION_TYPE]: 'send',
          [MESSAGING_OPERATION_NAME]: 'publish',
          [MESSAGING_DESTINATION_NAME]: topic,
        },
      },
      parent,
    );
    const fields = injectInto(propagator, trace.setSpan(parent, span));
    try {
      const id = await this.#inner.publish(topic, data, fields ? { ...meta, ...fields } : meta);
      span.setAttribute(MESSAGING_MESSAGE_ID, String(id));
      return id;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  async subscribe(topic: string, listener: (event: TopicEvent) => void): Promise<Unsubscribe> {
    this.#subscribers.set(topic, (this.#subscribers.get(topic) ?? 0) + 1);
    let unsubscribe: Unsubscribe;
    try {
      unsubscribe = await this.#inner.subscribe(topic, (event) => this.#deliver(event, listener));
    } catch (error) {
      this.#left(topic);
      throw error;
    }
    let left = false;
    return async () => {
      if (!left) {
        left = true;
        this.#left(topic);
      }
      await unsubscribe();
    };
  }

  history(topic: string, afterId: number): Promise<HistorySlice> {
    return this.#inner.history(topic, afterId);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /**
   * Per topic subscribed here, how far this node's deliveries trail the topic's newest event
   * (its head, read from the broker now): the subscription lag. A topic this node has delivered
   * nothing on yet counts from where its subscription started, so it is left out until then.
   */
  async lag(): Promise<Map<string, number>> {
    const lags = new Map<string, number>();
    await Promise.all(
      [...this.#delivered].map(async ([topic, delivered]) => {
        try {
          const { lastId } = await this.#inner.history(topic, Number.MAX_SAFE_INTEGER);
          lags.set(topic, Math.max(0, lastId - delivered));
        } catch {
          // A broker that cannot be read now (degraded) reports no lag rather than a wrong one.
        }
      }),
    );
    return lags;
  }

  #deliver(event: TopicEvent, listener: (event: TopicEvent) => void): void {
    if (event.id > (this.#delivered.get(event.topic) ?? 0)) this.#delivered.set(event.topic, event.id);
    const { tracer, propagator } = this.#telemetry;
    // A link, not a parent: the publish is another operation, often in another process, and one
    // publish fans out into a delivery on every node with subscribers.
    const origin = trace.getSpanContext(extractFrom(propagator, ROOT_CONTEXT, event.meta));
    const links: Link[] = origin ? [{ context: origin }] : [];
    const span = tracer.startSpan(
      `process ${event.topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          [MESSAGING_SYSTEM]: TETHER,
          [MESSAGING_OPERATION_TYPE]: 'process',
          [MESSAGING_OPERATION_NAME]: 'deliver',
          [MESSAGING_DESTINATION_NAME]: event.topic,
          [MESSAGING_MESSAGE_ID]: String(event.id),
        },
      },
      ROOT_CONTEXT,
    );
    try {
      listener(event);
    } finally {
      span.end();
    }
  }

  #left(topic: string): void {
    const n = (this.#subscribers.get(topic) ?? 1) - 1;
    if (n > 0) {
      this.#subscribers.set(topic, n);
      return;
    }
    this.#subscribers.delete(topic);
    this.#delivered.delete(topic);
  }
}

/** Wraps `broker` so that its publishes and deliveries are traced (see TracedBroker). */
export function traceBroker(broker: Broker, options: TelemetryOptions = {}): TracedBroker {
  return new TracedBroker(broker, options);
}
