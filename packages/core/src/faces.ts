/**
 * The narrow views a peer's parts get of the peer, so that each part can be read on its own
 * and no part imports the peer: the Peer implements all of them and hands itself over typed
 * as the one a part needs (as `OutgoingCalls` takes `{ notify }`).
 */
import type { Remote } from './contract.js';
import type { Listenable } from './emitter.js';
import type { CallOptions } from './outgoing.js';
import type { SubscribeOptions } from './subscription/options.js';
import type { Subscription } from './subscription/subscription.js';
import type { Subscriptions } from './subscription/contract.js';
import type { CloseInfo, SendOptions } from './transport.js';
import type { Params } from './wire.js';

/** One entry of an outgoing batch. */
export interface BatchEntry {
  /** The method to call. */
  method: string;
  /** Its params. */
  params?: Params;
  /** Sent as a notification: no response is awaited. */
  notification?: boolean;
}

/** Options for a batch: progress is not asked for in one. */
export type BatchOptions = Pick<CallOptions, 'timeout' | 'signal'>;

/** Events a peer emits. */
export interface PeerEvents {
  /** A transport was attached and messages flow. */
  attach: [];
  /** The transport closed; a persistent peer waits for the next one. */
  detach: [info: CloseInfo];
  /** The peer is closed for good: every call has settled. */
  close: [info: CloseInfo];
  /** A handler threw something other than an RpcError, or let a nested call's error through: the other side saw only -32603. */
  handlerError: [error: unknown, method: string];
  /** A response arrived for no call of ours. */
  strayResponse: [message: unknown];
}

/**
 * What a handler may use of the peer its call came in on (`this.peer`): call the other side back,
 * hear when the connection ends, or close it.
 */
export interface CallerPeer<Ctx = unknown> extends Listenable<PeerEvents> {
  /** The connection's data (for a server: what authentication returned). */
  readonly data: Ctx;
  /** Whether a transport is attached now. */
  readonly connected: boolean;
  /** Whether the peer is closed for good. */
  readonly closed: boolean;
  /** Calls a method on the other side. */
  call<T = unknown>(method: string, params?: Params, options?: CallOptions): Promise<T>;
  /** Sends a notification; returns false where it could be neither sent nor queued. */
  notify(method: string, params?: Params, options?: SendOptions): boolean;
  /** Sends several calls and notifications in one frame; resolves with the calls' outcomes, in order. */
  batch(entries: readonly BatchEntry[], options?: BatchOptions): Promise<PromiseSettledResult<unknown>[]>;
  /** A typed proxy of the other side. */
  remote<C>(options?: CallOptions): Remote<C>;
  /** Subscribes to a subscription the other side serves. */
  subscribe<T = unknown>(name: string, params?: Params, options?: SubscribeOptions<T>): Subscription<T>;
  /** The other side's subscriptions, typed by a contract. */
  subscriptions<C>(): Subscriptions<C>;
  /** Closes the connection for good. */
  close(code?: number, reason?: string): void;
}

/** What a publisher needs to push: pre-encoded text written if a transport is attached, never queued. */
export interface PushSender {
  sendRaw(text: string, options?: SendOptions): boolean;
}

/** The subscriptions a peer serves, as the peer sees them: counted, and closed with the transport. */
export interface ServedSubscriptions {
  readonly size: number;
  closeAll(): void;
}

/** What serving a subscription needs of the connection a subscribe came in on. */
export interface ServingHost extends PushSender {
  /** The connection's served subscriptions, made by `make` on first use and kept until the peer ends. */
  served<S extends ServedSubscriptions>(make: (sender: PushSender) => S): S;
}

/** What the dispatcher needs of its peer: the face calls see, where pushes go, and where to report. */
export interface DispatchHost<Ctx> extends CallerPeer<Ctx>, ServingHost {
  /** The params of an `rpc.subscription` push, for the subscriptions this side holds. */
  receivePush(params: unknown): void;
  /** A response arrived for no call of ours. */
  reportStray(message: unknown): void;
  /** A handler threw something the other side saw only as -32603. */
  reportHandlerError(error: unknown, method: string): void;
  /** Replaces the connection's data: calls from now on see the new, calls running keep theirs. */
  replaceData(data: Ctx): void;
}
