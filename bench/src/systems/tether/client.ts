import { connect as connectTether } from '@tether/client';
import type { Connect } from '../types.js';

/**
 * Tether's client without reconnects (a bench connection that drops should fail, not retry):
 * `call('echo')`, and `subscribe('events')` in its callback style.
 */
export const connect: Connect = async (url) => {
  const client = connectTether(url, { reconnect: { maxRetries: 0 } });
  await client.opened();
  return {
    call: (params) => client.call('echo', params),
    async subscribe(listener) {
      await client.subscribe('events', undefined, { onEvent: listener }).ready;
    },
    close: () => void client.close(),
  };
};
