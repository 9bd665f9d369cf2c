import { CloseCode, PING_METHOD, type CallOptions, type Params, type Transport } from '@tether/core';
import { startHeartbeat } from './heartbeat.js';
import type { ClientOptions, Fresh } from './options.js';
import { backoffDelay } from './reconnect/backoff.js';
import { describeDisconnect, isRetryable, reconnectWindow, type DisconnectInfo } from './reconnect/policy.js';
import { scheduleTimeout, type Schedule } from './reconnect/schedule.js';
import { SocketTransport } from './socket/socket-transport.js';
import type { WebSocketConstructor, WebSocketLike } from './socket/types.js';

/** Where a client stands: before its first open, open, between a drop and the next open, or closed for good. */
export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A socket is opening: attempt 0 is the first connect, attempt n the n-th retry since the last open. */
export interface ConnectingEvent {
  /** Failed attempts since the last open: 0 for the first socket, and after each open. */
  attempt: number;
}

/** A retry is scheduled. */
export interface ReconnectingEvent {
  /** 1 for the first retry after a drop or failed connect, counting up until one opens. */
  attempt: number;
  /** Milliseconds until the attempt. */
  delay: number;
  /** Why the last socket closed. */
  disconnect: DisconnectInfo;
  /** Where the client connects. */
  url: string;
  /** What happened, in words for a person: the URL, the cause, and what to do where known. */
  message: string;
}

/** The client closed for good, and why. */
export interface ClosedEvent {
  /** `client`: close() was called; `refused`: the server refused the client; `exhausted`: maxRetries attempts failed in a row. */
  why: 'client' | 'refused' | 'exhausted';
  /** In words; pending and queued calls reject with it in their ConnectionClosed error. */
  reason: string;
  /** The socket close that ended it, except after close(). */
  disconnect?: DisconnectInfo;
}

/** Events a client emits, each once its state is consistent; `status` already reads the new value. */
export interface ClientEvents {
  /** A socket is opening (attempt 0 is the first connect). */
  connecting: [event: ConnectingEvent];
  /** A socket opened; queued calls have gone out on it. */
  open: [];
  /** The socket closed or failed to open, and a retry is scheduled. */
  reconnecting: [event: ReconnectingEvent];
  /** Closed for good; every pending and queued call has rejected. */
  closed: [event: ClosedEvent];
}

/** How the connection tells its owner (the client, which re-emits them) of its events. */
export type EmitClientEvent = <K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]) => void;

/** The part of the client's persistent peer a Connection drives. */
export interface AttachablePeer {
  attach(transport: Transport): unknown;
  close(code?: number, reason?: string): void;
  call(method: string, params?: Params, options?: CallOptions): Promise<unknown>;
}

/** What a Connection reads of the client's options; each default is the one documented on ClientOptions. */
export type ConnectionOptions = Pick<
  ClientOptions<unknown>,
  'protocols' | 'connectTimeout' | 'reconnect' | 'heartbeat' | 'schedule'
>;

/**
 * The reconnect loop of one client: it opens one socket at a time, attaches each open one to
 * the persistent peer, and after a drop waits out a backoff delay before the next attempt.
 * It owns every socket and timer it makes; `close` ends them all.
 */
export class Connection {
  status: ClientStatus = 'connecting';
  /** Why no socket is open, in words (the last disconnect); undefined while open or before the first failure. */
  offlineReason: string | undefined;
  /** How the connection ended for good; set once `status` is 'closed'. */
  closedEvent: ClosedEvent | undefined;
  #socket: WebSocketLike | undefined;
  /** The open socket's transport; undefined before its open and after its drop. */
  #transport: SocketTransport | undefined;
  /** Cancels the one timer running between events: the heartbeat while open, the retry delay while reconnecting. */
  #cancel: (() => void) | undefined;
  #retries = 0;
  #socketClosed: Promise<void> = Promise.resolve();
  /** The URL of the last attempt, as errors name it. */
  #href: string;

  readonly #peer: AttachablePeer;
  readonly #url: Fresh<string | URL>;
  readonly #WebSocket: WebSocketConstructor;
  readonly #options: ConnectionOptions;
  readonly #schedule: Schedule;
  readonly #emit: EmitClientEvent;

  constructor(
    peer: AttachablePeer,
    url: Fresh<string | URL>,
    WebSocket: WebSocketConstructor,
    options: ConnectionOptions,
    emit: EmitClientEvent,
  ) {
    this.#peer = peer;
    this.#url = url;
    this.#WebSocket = WebSocket;
    this.#options = options;
    this.#schedule = options.schedule ?? scheduleTimeout;
    this.#emit = emit;
    this.#href = typeof url === 'function' ? 'the url option' : new URL(url).href;
  }

  /** Makes the first attempt. */
  start(): void {
    if (this.status === 'connecting' && !this.#socket) void this.#attempt(0);
  }

  /** Stops for good: cancels a pending retry, closes the socket, rejects every call. Resolves once the socket has closed. */
  close(): Promise<void> {
    if (this.status !== 'closed') {
      const socket = this.#socket;
      this.#finish({ why: 'client', reason: 'client closed' }, CloseCode.Normal);
      // An open socket was closed by the peer through its transport; a connecting one was not attached yet.
      socket?.close(CloseCode.Normal, 'client closed');
    }
    return this.#socketClosed;
  }

  /** Asks for the URL and protocols where they are functions, then opens a socket with them. */
  async #attempt(attempt: number): Promise<void> {
    const url = this.#url;
    let protocols = this.#options.protocols;
    if (typeof url === 'function' || typeof protocols === 'function') {
      try {
        const [href, list] = await Promise.all([fresh(url), fresh(protocols)]);
        this.#href = new URL(href).href;
        protocols = list;
      } catch (error) {
        // Retried like a network failure: a token endpoint may be down for a moment.
        if (this.status !== 'closed')
          this.#lost({
            code: CloseCode.Abnormal,
            reason: '',
            error: `the url or protocols option failed: ${message(error)}`,
          });
        return;
      }
      if (this.status === 'closed') return;
    }
    this.#open(attempt, protocols);
  }

  #open(attempt: number, protocols: string | string[] | undefined): void {
    const { heartbeat } = this.#options;
    const connectTimeout = this.#options.connectTimeout ?? 10_000;
    const schedule = this.#schedule;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#href, protocols);
    } catch (error) {
      // The constructor throws only for arguments it rejects (a bad URL or subprotocol): no retry can fix those.
      this.#finish({ why: 'refused', reason: `refused: ${message(error)}` }, CloseCode.Abnormal);
      return;
    }
    this.#socket = socket;
    this.#socketClosed = new Promise((resolve) => socket.addEventListener('close', () => resolve()));
    let timedOut = false;
    const cancelTimeout =
      connectTimeout > 0
        ? schedule(() => {
            timedOut = true;
            socket.close();
          }, connectTimeout)
        : undefined;

    socket.addEventListener('open', () => {
      cancelTimeout?.();
      if (this.#socket !== socket) return;
      this.offlineReason = undefined;
      this.#retries = 0;
      this.status = 'open';
      const transport = (this.#transport = new SocketTransport(socket));
      this.#peer.attach(transport);
      if (heartbeat !== false) {
        this.#cancel = startHeartbeat(transport, heartbeat, schedule, {
          // No timeout of its own: the heartbeat's deadline decides, and a close rejects it.
          ping: () => void this.#peer.call(PING_METHOD, undefined, { timeout: 0 }).catch(() => undefined),
          dead: (timeout) => this.#dead(socket, timeout),
        });
      }
      this.#emit('open');
    });
    // Always followed by 'close', which carries what there is to know; without a listener
    // the EventEmitter inside `ws` would throw it.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', (event) => {
      cancelTimeout?.();
      if (this.#socket !== socket) return;
      const info: DisconnectInfo = {
        code: event.code ?? CloseCode.Abnormal,
        reason: timedOut ? `connect timeout (${connectTimeout} ms)` : (event.reason ?? ''),
      };
      if (socket.upgradeStatus !== undefined) info.status = socket.upgradeStatus;
      // A socket that says nothing of its failure but its status is described by the status.
      const failure = timedOut
        ? info.reason
        : (socket.failure ?? (info.status === undefined ? 'no reason given' : undefined));
      // Only a socket that never opened has a transport still unset here.
      if (!this.#transport && failure !== undefined) info.error = failure;
      this.#dropped(info);
    });
    this.#emit('connecting', { attempt });
  }

  /** The heartbeat got no answer: the link is dead though no close came, and none may come for minutes. */
  #dead(socket: WebSocketLike, timeout: number): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    const info: DisconnectInfo = { code: CloseCode.PingTimeout, reason: `no answer to $/ping within ${timeout} ms` };
    // A closing handshake would wait for an answer that cannot come: end it at once where the
    // runtime can, and do not make close() wait for it either way.
    if (socket.terminate) socket.terminate();
    else socket.close(info.code, info.reason);
    this.#socketClosed = Promise.resolve();
    this.#dropped(info);
  }

  #dropped(info: DisconnectInfo): void {
    this.#socket = undefined;
    this.#stopTimer();
    const transport = this.#transport;
    this.#transport = undefined;
    // The peer detaches first, so calls sent on this socket have rejected before anyone hears of the drop.
    transport?.end(info);
    this.#lost(info);
  }

  #lost(info: DisconnectInfo): void {
    const url = this.#href;
    const message = describeDisconnect(info, url);
    const retries = this.#retries;
    const { reconnect } = this.#options;
    const { maxRetries = Infinity, retryable = isRetryable } = reconnect ?? {};
    this.offlineReason = message;
    if (!retryable(info)) {
      this.#finish({ why: 'refused', reason: `refused: ${message}`, disconnect: info }, info.code);
    } else if (retries >= maxRetries) {
      const reason = `gave up after ${retries} ${retries === 1 ? 'retry' : 'retries'}: ${message}`;
      this.#finish({ why: 'exhausted', reason, disconnect: info }, info.code);
    } else {
      const delay = backoffDelay(retries, reconnect, reconnectWindow(info));
      const attempt = (this.#retries = retries + 1);
      this.status = 'reconnecting';
      this.#cancel = this.#schedule(() => {
        this.#cancel = undefined;
        void this.#attempt(attempt);
      }, delay);
      this.#emit('reconnecting', { attempt, delay, disconnect: info, url, message });
    }
  }

  #stopTimer(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #finish(event: ClosedEvent, code: number): void {
    this.status = 'closed';
    this.closedEvent = event;
    this.#stopTimer();
    this.#socket = undefined;
    this.#transport = undefined;
    this.#peer.close(code, event.reason);
    this.#emit('closed', event);
  }
}

/** Async, so that a function throwing at once rejects like one whose promise does. */
const fresh = async <T>(value: Fresh<T>): Promise<T> =>
  typeof value === 'function' ? (value as () => T | Promise<T>)() : value;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
