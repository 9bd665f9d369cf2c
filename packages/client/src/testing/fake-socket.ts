import type { SocketEvent, WebSocketConstructor, WebSocketLike } from '../socket/types.js';

type Listener = (event: SocketEvent) => void;

/** A scripted WebSocket: the test opens, drops and answers it by hand, and reads what was sent. */
export class FakeSocket implements WebSocketLike {
  readonly sent: string[] = [];
  upgradeStatus: number | undefined;
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;
  private readonly listeners = new Map<string, Listener[]>();
  private state: 'connecting' | 'open' | 'closed' = 'connecting';

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.state !== 'open') throw new Error(`send on a ${this.state} socket`);
    this.sent.push(data);
  }

  /** Like a browser's: closing a socket that has not opened fails it with 1006. */
  close(code?: number, reason?: string): void {
    if (this.state === 'closed' || this.closedWith) return;
    this.closedWith = { code, reason };
    queueMicrotask(() => this.drop(this.state === 'open' ? (code ?? 1005) : 1006, reason ?? ''));
  }

  open(): void {
    this.state = 'open';
    this.fire('open', { type: 'open' });
  }

  receive(data: unknown): void {
    this.fire('message', { type: 'message', data });
  }

  /** The connection ends from the far side (or the network). */
  drop(code = 1006, reason = ''): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (code === 1006) this.fire('error', { type: 'error' });
    this.fire('close', { type: 'close', code, reason });
  }

  /** The requests this socket carried, parsed. */
  requests(): Array<{ id?: number; method: string; params?: unknown }> {
    return this.sent.flatMap((text) => JSON.parse(text));
  }

  private fire(type: string, event: SocketEvent): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** A WebSocket constructor that records every socket it makes, newest last. */
export function fakeWebSocket(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  };
  return {
    WebSocket,
    sockets,
    last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was made');
      return socket;
    },
  };
}
