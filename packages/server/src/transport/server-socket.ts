import { WebSocket } from 'ws';

/**
 * How a WebSocket's events reach its transport when thousands of idle connections must cost
 * little each: a closure (with its context) per listener per connection would be most of what
 * one costs, and an emitter's table of listeners grows past three kinds of event. The transport
 * is kept on the socket (not in a map of every connection); the Node server's own sockets
 * (ServerSocket) hand it their events themselves, and any other gets listeners every connection shares.
 */
export const TRANSPORT = Symbol('tether.transport');

/** What a socket's events do: its transport's handlers. */
export interface SocketEvents {
  socketMessage(data: Buffer): void;
  socketClose(code: number, reason: Buffer): void;
  socketError(error: Error): void;
  socketPing(data: Buffer): void;
  socketPong(): void;
}

type Carrier = WebSocket & { [TRANSPORT]?: SocketEvents };

/** The listeners of a plain ws WebSocket, the same functions for every one. */
export const socketListeners = {
  message(this: Carrier, data: Buffer): void {
    this[TRANSPORT]?.socketMessage(data);
  },
  close(this: Carrier, code: number, reason: Buffer): void {
    this[TRANSPORT]?.socketClose(code, reason);
  },
  error(this: Carrier, error: Error): void {
    this[TRANSPORT]?.socketError(error);
  },
  pong(this: Carrier): void {
    this[TRANSPORT]?.socketPong();
  },
};

/**
 * ws's WebSocket as the Node server makes it (WebSocketServer's `WebSocket` option, with
 * `autoPong: false`): it hands its events to its transport itself, with no listener, has a field
 * of its own for the transport, and leaves its pings to the transport to answer, where ws's
 * autoPong keeps a closure per connection. Listeners added with `on` still hear every event.
 */
export class ServerSocket extends WebSocket {
  [TRANSPORT]: SocketEvents | undefined = undefined;

  override emit(event: string | symbol, ...args: any[]): boolean {
    const transport = this[TRANSPORT];
    if (event === 'message') transport?.socketMessage(args[0]);
    else if (event === 'close') transport?.socketClose(args[0], args[1]);
    else if (event === 'ping') {
      if (transport) transport.socketPing(args[0]);
      else if (this.readyState === WebSocket.OPEN) this.pong(args[0]);
    } else if (event === 'pong') transport?.socketPong();
    else if (event === 'error') {
      transport?.socketError(args[0]);
      // Not thrown, as Node's emitter would without a listener: ws closes the socket itself.
      if (this.listenerCount('error') === 0) return true;
    }
    return super.emit(event, ...args);
  }
}

/** What ws's WebSocketServer needs to make its sockets ServerSockets. */
export const serverSocketOptions = { WebSocket: ServerSocket, autoPong: false } as const;
