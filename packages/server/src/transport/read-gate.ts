import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** What a ReadGate works on: its connection's WebSocket, whether its queue is full, and where messages go. */
export interface GatedConnection {
  readonly ws: WebSocket;
  /** Whether the queue is past its limit and the socket owes a 'drain'. */
  full(): boolean;
  deliver(text: string): void;
  /** The queue drained: the reader has caught up. */
  drained(): void;
}

/**
 * Holds back a client whose queue is full, so that a client that sends calls but never reads
 * their responses is held back by TCP, not by the server's memory: reading pauses until the
 * socket drains, and messages already read (ws parses every frame of a TCP read at once) are
 * held, unrun, and delivered in order once it has. Made only for a connection that fills its
 * queue: an idle or reading one holds none.
 */
export class ReadGate {
  /** Whether reading is paused until the socket drains. */
  private stalled = false;
  /** Messages read while the queue was full; undefined while delivery is direct. */
  private held: string[] | undefined;

  constructor(
    private readonly connection: GatedConnection,
    /** The TCP socket under the WebSocket, whose 'drain' says the queue has room again. */
    private readonly socket: Socket,
  ) {}

  /** Whether messages are being held, so a new one must wait behind them. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Keeps `text` until the queue drains, and stops reading. */
  hold(text: string): void {
    (this.held ??= []).push(text);
    this.stall();
  }

  /** Stops reading until the socket drains, if it owes a 'drain'. */
  stall(): void {
    if (this.stalled || !this.socket.writableNeedDrain) return;
    this.stalled = true;
    this.connection.ws.pause();
    this.socket.once('drain', () => this.release());
  }

  /** Delivers what was held, in order, until the queue is full again; then reads again. */
  private release(): void {
    const connection = this.connection;
    this.stalled = false;
    connection.drained();
    const held = this.held;
    let next = 0;
    while (held && next < held.length && connection.ws.readyState === WebSocket.OPEN) {
      if (connection.full()) {
        held.splice(0, next);
        this.stall();
        return;
      }
      connection.deliver(held[next++]!);
    }
    this.held = undefined;
    // Not if the last of them filled the queue again; but also when closing, to read the client's answer to the close frame.
    if (!this.stalled) connection.ws.resume();
  }
}
