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
export const WRITES_PER_SLICE = 128;

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
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    setImmediate(flushSlice);
  }
}
