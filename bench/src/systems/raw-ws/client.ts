import { openSocket } from '../open-socket.js';
import type { BenchClient, ConnectOptions, Connect } from '../types.js';
import { corkPerTick } from './cork.js';

/** The floor's client: a Map from id to resolver, JSON both ways; `cork` holds a tick's sends for one write. */
export async function connectFloor(url: string, options: ConnectOptions, cork: boolean): Promise<BenchClient> {
  const { ws, stream } = await openSocket(url, options);
  const hold = cork ? corkPerTick(stream) : () => undefined;
  const pending = new Map<number, (result: unknown) => void>();
  let onEvent: ((event: unknown) => void) | undefined;
  let nextId = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; event?: unknown };
    if (message.id === undefined) {
      onEvent?.(message.event);
      return;
    }
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.(message.result);
  });
  const send = (id: number, text: string) =>
    new Promise<unknown>((resolve) => {
      pending.set(id, resolve);
      hold();
      ws.send(text);
    });
  return {
    call(params) {
      const id = nextId++;
      return send(id, JSON.stringify({ id, params }));
    },
    async subscribe(listener) {
      onEvent = listener;
      const id = nextId++;
      await send(id, JSON.stringify({ id, sub: true }));
    },
    close: () => ws.terminate(),
  };
}

/** The plain floor's client: one write per frame. */
export const connect: Connect = (url, options = {}) => connectFloor(url, options, false);
