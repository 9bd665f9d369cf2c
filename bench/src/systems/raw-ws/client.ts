import { openSocket } from '../open-socket.js';
import type { Connect } from '../types.js';

/** The floor's client: a Map from id to resolver, JSON both ways. */
export const connect: Connect = async (url) => {
  const ws = await openSocket(url);
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
};
