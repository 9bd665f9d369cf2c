import { Client } from 'rpc-websockets';
import type { Connect } from '../types.js';

/** rpc-websockets' Client without reconnection: `call('echo')`, `subscribe('event')` then `on('event')`. */
export const connect: Connect = async (url, options) => {
  // Options past its own are handed to `ws`, as is localAddress.
  const client = new Client(url, { reconnect: false, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  return {
    call: (params) => client.call('echo', params),
    async subscribe(listener) {
      client.on('event', listener);
      await client.subscribe('event');
    },
    close: () => client.close(),
  };
};
