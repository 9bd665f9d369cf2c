import { connect as connectTether, type WebSocketConstructor } from '@tether/client';
import { WebSocket } from 'ws';
import type { Connect } from '../types.js';

/**
 * `ws` bound to a source address. Tether's own Node socket (which corks a tick's sends) is not
 * public, so a connection from another source address uses this one: only the idle scenarios
 * ask for one, where the client writes nothing after its handshake.
 */
function fromAddress(localAddress: string): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { localAddress });
    }
  };
}

/**
 * Tether's client without reconnects (a bench connection that drops should fail, not retry):
 * `call('echo')`, and `subscribe('events')` in its callback style.
 */
export const connect: Connect = async (url, options) => {
  const client = connectTether(url, {
    reconnect: { maxRetries: 0 },
    ...(options?.localAddress && { WebSocket: fromAddress(options.localAddress) }),
  });
  await client.opened();
  return {
    call: (params) => client.call('echo', params),
    async subscribe(listener) {
      await client.subscribe('events', undefined, { onEvent: listener }).ready;
    },
    close: () => void client.close(),
  };
};
