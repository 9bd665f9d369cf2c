import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { TEXT_OPTIONS } from './frame.js';

/** Something with pushes waiting: it writes them all and says how many socket writes that took. */
export interface PendingWrites {
  flushPending(): number;
}

/**
 * Socket writes per turn of the event loop. A fan-out of one event to N sockets is N writes,
 * each a syscall that costs more than the event's encoding; written all in one turn, the next
 * event can only follow once every socket has had this one. In slices of this many, the next
 * event is published between slices and joins the one still waiting for the sockets not yet
 * written, so under load each socket gets several events per write.
 */
const WRITES_PER_SLICE = 128;

const queue: PendingWrites[] = [];
let head = 0;
let scheduled = false;

/**
 * Queues `pending` to have its pushes written: in this turn's check phase (`setImmediate`) when
 * little is waiting, after the sockets queued before it when much is. Each is queued once until
 * written; pushes that arrive meanwhile join what it already holds.
 */
export function schedule(pending: PendingWrites): void {
  queue.push(pending);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushSlice);
  }
}

function flushSlice(): void {
  let writes = 0;
  while (head < queue.length && writes < WRITES_PER_SLICE) {
    const pending = queue[head]!;
    queue[head++] = undefined as unknown as PendingWrites;
    writes += pending.flushPending();
  }
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
    scheduled = false;
  } else {
    // Compacted now and then: under a fan-out that never lets up, the queue never empties.
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    setImmediate(flushSlice);
  }
}

/**
 * One connection's pushes waiting for their write, in order: the frames, shared with other
 * sockets, and with compression the data they were made from too (see writeTo).
 */
export class PendingPushes {
  private frames: Buffer[] = [];
  private data: Array<string | Buffer> | undefined;
  /** Bytes of the frames waiting. */
  bytes = 0;

  /** Adds a frame (and its data, when compressed); true when it is the first, so the owner is to be scheduled. */
  add(frame: Buffer, data: string | Buffer | undefined | false): boolean {
    this.frames.push(frame);
    if (data) (this.data ??= []).push(data);
    this.bytes += frame.length;
    return this.frames.length === 1;
  }

  /** The frames waiting, now no longer. */
  take(): Buffer[] {
    const frames = this.frames;
    this.frames = [];
    this.data = undefined;
    this.bytes = 0;
    return frames;
  }

  /**
   * Writes what waits to `socket`, in one syscall (corked, unless the tick's writes already are).
   * While `ws` is still compressing a message sent before these (it holds bytes beyond the
   * socket's), they go through ws instead, after it: written straight, they would overtake it.
   */
  writeTo(socket: Socket, ws: WebSocket, corked: boolean): void {
    const data = this.data;
    const frames = this.take();
    if (data && ws.bufferedAmount > socket.writableLength) {
      for (const item of data) ws.send(item, TEXT_OPTIONS);
      return;
    }
    const alone = !corked && frames.length > 1;
    if (alone) socket.cork();
    for (const frame of frames) socket.write(frame);
    if (alone) socket.uncork();
  }
}
