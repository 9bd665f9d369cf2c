import type { ErrorObject } from './errors.js';
import { SUBSCRIPTION_NOTIFICATION } from './protocol.js';

/** A request id as JSON-RPC 2.0 allows it. */
export type RequestId = string | number | null;

/** Params by position or by name. */
export type Params = readonly unknown[] | Record<string, unknown>;

/** A request (with `id`) or a notification (without). */
export interface RequestMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The method called. */
  method: string;
  /** Its params, by position or by name. */
  params?: Params;
  /** Present in a request, which is answered under the same id; absent in a notification. */
  id?: RequestId;
}

/** A response: exactly one of `result` or `error`. */
export type ResponseMessage = ResultMessage | ErrorMessage;

/** A success response. */
export interface ResultMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The id of the request answered. */
  id: RequestId;
  /** What the method returned. */
  result: unknown;
}

/** An error response. */
export interface ErrorMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The id of the request answered; null when it could not be read. */
  id: RequestId;
  /** What went wrong. */
  error: ErrorObject;
}

/** The params of an `rpc.subscription` notification, as received (so every field is checked before use). */
export interface PushMessage {
  subscription?: unknown;
  result?: unknown;
  eventId?: unknown;
  epoch?: unknown;
  gap?: { after: number; next: number; restarted?: boolean; epoch?: string };
  error?: ErrorObject;
  done?: boolean;
}

/** Anything one side may send the other. */
export type Message = RequestMessage | ResponseMessage;

export const isId = (v: unknown): v is RequestId =>
  typeof v === 'string' || v === null || (typeof v === 'number' && Number.isFinite(v));

export const isParams = (v: unknown): v is Params => typeof v === 'object' && v !== null;

/**
 * Builds the text of a success response. The id is re-serialised rather than spliced,
 * so a string id with quotes stays valid JSON.
 */
export function encodeResult(id: RequestId, result: unknown): string {
  // JSON.stringify yields undefined for undefined, functions and symbols: all become null.
  const json = JSON.stringify(result) as string | undefined;
  return `{"jsonrpc":"2.0","id":${encodeId(id)},"result":${json ?? 'null'}}`;
}

export function encodeError(id: RequestId, error: ErrorObject): string {
  return `{"jsonrpc":"2.0","id":${encodeId(id)},"error":${JSON.stringify(error)}}`;
}

/** A valid id (isId) as JSON: a number is its own text, so only a string needs the encoder. */
const encodeId = (id: RequestId): string | number => (typeof id === 'number' ? id : JSON.stringify(id));

/** Method names as JSON, by name: a peer calls the same few names over and over. Bounded, for callers of made-up names. */
const encodedNames = new Map<string, string>();

function encodeName(method: string): string {
  let json = encodedNames.get(method);
  if (json === undefined) {
    if (encodedNames.size >= 256) encodedNames.clear();
    encodedNames.set(method, (json = JSON.stringify(method)));
  }
  return json;
}

export function encodeRequest(id: number, method: string, params: Params | undefined): string {
  const name = encodeName(method);
  return params === undefined
    ? `{"jsonrpc":"2.0","id":${id},"method":${name}}`
    : `{"jsonrpc":"2.0","id":${id},"method":${name},"params":${JSON.stringify(params)}}`;
}

/** The text of a notification: the one encoder for that shape, which the server's `broadcast` uses too. */
export function encodeNotification(method: string, params?: Params): string {
  const name = encodeName(method);
  return params === undefined
    ? `{"jsonrpc":"2.0","method":${name}}`
    : `{"jsonrpc":"2.0","method":${name},"params":${JSON.stringify(params)}}`;
}

/** The last event text `PushEncoder.event` wrote, for the next subscriber of the same event. */
let lastEvent:
  { prefix: string; json: string; eventId: number | undefined; epoch: string | undefined; text: string } | undefined;

/** How a served subscription ended, as its last push says. */
export type PushEnd = { done: true } | { error: ErrorObject };

/**
 * Encodes the `rpc.subscription` notifications of one subscription, the only place that shape
 * is written: the id is encoded once for the subscription's life, and an event's data arrives
 * already encoded, so a topic's event is stringified once for all its subscribers.
 */
export class PushEncoder {
  readonly #prefix: string;

  constructor(subscription: string) {
    this.#prefix = `{"jsonrpc":"2.0","method":"${SUBSCRIPTION_NOTIFICATION}","params":{"subscription":${JSON.stringify(subscription)}`;
  }

  /**
   * One event: `resultJson` is its data as JSON text; `eventId` with `epoch` its position.
   * A topic's fan-out pushes one event to every subscriber in one loop, under the same
   * subscription id (topic-derived) and the same `resultJson` string: they all get the one
   * text encoded for the first, so the transport can frame it once too.
   */
  event(resultJson: string, eventId: number | undefined, epoch: string | undefined): string {
    const last = lastEvent;
    if (
      last !== undefined &&
      last.json === resultJson &&
      last.eventId === eventId &&
      last.epoch === epoch &&
      last.prefix === this.#prefix
    ) {
      return last.text;
    }
    let text: string;
    if (eventId === undefined) text = `${this.#prefix},"result":${resultJson}}}`;
    else {
      const at = epoch === undefined ? '' : `,"epoch":${JSON.stringify(epoch)}`;
      text = `${this.#prefix},"result":${resultJson},"eventId":${eventId}${at}}}`;
    }
    lastEvent = { prefix: this.#prefix, json: resultJson, eventId, epoch, text };
    return text;
  }

  /** Events after `after` and before `next` cannot be delivered; `restart` when the topic started over. */
  gap(after: number, next: number, restart: { epoch: string | undefined } | undefined): string {
    const epoch = restart?.epoch === undefined ? '' : `,"epoch":${JSON.stringify(restart.epoch)}`;
    return `${this.#prefix},"gap":{"after":${after},"next":${next}${restart ? `,"restarted":true${epoch}` : ''}}}}`;
  }

  /** The subscription's last push: it finished, or failed with `error`. */
  end(how: PushEnd): string {
    return 'done' in how ? `${this.#prefix},"done":true}}` : `${this.#prefix},"error":${JSON.stringify(how.error)}}}`;
  }
}
