import type { CloseInfo, Transport } from './transport.js';

/**
 * One end of an in-memory pair. Delivery is asynchronous (a microtask later), like a
 * socket's, so code tested over it cannot come to rely on re-entrant delivery.
 */
class MemoryEnd implements Transport {
  other!: MemoryEnd;
  private readonly messageListeners: Array<(message: string) => void> = [];
  private readonly closeListeners: Array<(info: CloseInfo) => void> = [];
  private closed = false;

  send(message: string): void {
    if (this.closed) return;
    const other = this.other;
    queueMicrotask(() => other.deliver(message));
  }

  onMessage(listener: (message: string) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.closeListeners.push(listener);
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    const other = this.other;
    queueMicrotask(() => {
      this.finish({ code, reason });
      other.finish({ code, reason });
    });
  }

  private deliver(message: string): void {
    if (this.closed) return;
    for (const listener of this.messageListeners) listener(message);
  }

  private finish(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(info);
  }
}

/** Two connected transports in one process: for tests, and for peers that share a process. */
export function createMemoryTransportPair(): [Transport, Transport] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.other = b;
  b.other = a;
  return [a, b];
}
