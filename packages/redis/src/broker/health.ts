import type { BrokerStatus } from '@tether/server';
import type { RedisClient } from '../connection.js';

/**
 * A broker's status, from its Redis connections: `ok` once every connection is ready and the
 * broker's recovery step (run on each reconnect) has finished, `degraded` from the moment any
 * connection drops. It owns the status listeners and calls each once per change.
 */
export class Health {
  status: BrokerStatus = 'degraded';
  /** Whether the broker was ever `ok`: until then operations wait for the first connection. */
  everOk = false;
  private readonly listeners = new Set<(status: BrokerStatus) => void>();
  private readonly waiters = new Set<() => void>();
  private recovering = false;
  private recheck = false;
  private closed = false;

  constructor(
    private readonly connections: readonly RedisClient[],
    private readonly recover: () => Promise<void>,
  ) {
    for (const connection of connections) {
      connection.on('ready', () => this.check());
      connection.on('close', () => this.set('degraded'));
    }
    this.check();
  }

  onStatus(listener: (status: BrokerStatus) => void): void {
    this.listeners.add(listener);
  }

  /** Resolves at the next `ok`, or at once if ok now; resolves too when closed, so loops end. */
  whenOk(): Promise<void> {
    if (this.status === 'ok' || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Resolves true at `ok`, false if that takes longer than `timeout` ms or the broker closes. */
  okWithin(timeout: number): Promise<boolean> {
    if (this.status === 'ok' || this.closed) return Promise.resolve(this.status === 'ok' && !this.closed);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(this.status === 'ok' && !this.closed);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeout);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.release();
  }

  private check(): void {
    if (this.closed) return;
    if (!this.connections.every((c) => c.status === 'ready')) {
      this.set('degraded');
      return;
    }
    if (this.recovering) {
      // A connection came back while the previous recovery ran: it may have missed this one.
      this.recheck = true;
      return;
    }
    this.recovering = true;
    this.recheck = false;
    this.recover().then(
      () => this.recovered(true),
      () => this.recovered(false),
    );
  }

  private recovered(succeeded: boolean): void {
    this.recovering = false;
    if (this.recheck) this.check();
    else if (succeeded && this.connections.every((c) => c.status === 'ready')) this.set('ok');
  }

  private set(status: BrokerStatus): void {
    if (this.closed || status === this.status) return;
    this.status = status;
    if (status === 'ok') {
      this.everOk = true;
      this.release();
    }
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        // One listener's failure must not keep the others from hearing of the change.
      }
    }
  }

  private release(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiters) resolve();
  }
}
