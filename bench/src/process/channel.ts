/**
 * Request/reply over a Node IPC channel (a forked child, or `process` inside one), so the
 * coordinator, the server process and the load generator can ask each other for things and
 * await the answer.
 */

interface RequestMessage {
  kind: 'request';
  id: number;
  op: string;
  args: unknown;
}

interface ReplyMessage {
  kind: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Either end of an IPC channel: a ChildProcess from `fork`, or `process` in the child. */
export interface Endpoint {
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Answers one request; what it resolves with is sent back. */
export type RequestHandler = (op: string, args: unknown) => Promise<unknown> | unknown;

/** A request that got no answer in time. */
export class DeadlineError extends Error {}

/** One end of a request/reply channel. */
export class Channel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private handler: RequestHandler | undefined;

  constructor(private readonly endpoint: Endpoint) {
    endpoint.on('message', (message) => this.receive(message as RequestMessage | ReplyMessage));
  }

  /** Sets what answers the other side's requests. */
  serve(handler: RequestHandler): void {
    this.handler = handler;
  }

  /** Asks the other side; rejects after `timeoutMs` so no scenario can hang the run. */
  request<T = unknown>(op: string, args: unknown = null, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DeadlineError(`bench: "${op}" got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.post({ kind: 'request', id, op, args });
    });
  }

  /** Fails every request still waiting, when the other side has gone. */
  failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }

  private post(message: RequestMessage | ReplyMessage): void {
    if (!this.endpoint.send) throw new Error('bench: this process has no IPC channel');
    this.endpoint.send(message);
  }

  private receive(message: RequestMessage | ReplyMessage): void {
    if (message.kind === 'reply') {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new Error(message.error ?? 'bench: request failed'));
      return;
    }
    void this.answer(message);
  }

  private async answer(message: RequestMessage): Promise<void> {
    try {
      if (!this.handler) throw new Error(`bench: nothing serves "${message.op}"`);
      const value = await this.handler(message.op, message.args);
      this.post({ kind: 'reply', id: message.id, ok: true, value });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.post({ kind: 'reply', id: message.id, ok: false, error: text });
    }
  }
}
