import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openRaw, useServers } from './test-support.js';

const start = useServers();

describe('heartbeat', () => {
  it('terminates a connection at the first beat after an unanswered ping', async () => {
    const server = await start({ port: 0, heartbeatInterval: 20 });
    const client = await openRaw(server.url, { autoPong: false });
    let pings = 0;
    client.ws.on('ping', () => pings++);
    const [[, info]] = await Promise.all([once(server, 'disconnect'), client.closed]);
    // Termination one interval after the ping: a second ping would mean a missed pong was let pass.
    // (The first may arrive with the upgrade response, before this listener exists, so it may read 0.)
    expect(pings).toBeLessThanOrEqual(1);
    expect(info.code).toBe(1006);
    expect(server.stats.connections).toBe(0);
  });

  it('keeps a connection that answers its pings', async () => {
    const server = await start({ port: 0, heartbeatInterval: 20 });
    const client = await openRaw(server.url);
    let pings = 0;
    await new Promise<void>((resolve) => {
      client.ws.on('ping', () => {
        if (++pings === 5) resolve();
      });
    });
    expect(server.stats.connections).toBe(1);
    client.ws.close();
  });

  it("answers the client's pings with their data", async () => {
    const server = await start({ port: 0 });
    const client = await openRaw(server.url);
    const pong = once(client.ws, 'pong');
    client.ws.ping('are you there');
    const [data] = await pong;
    expect(String(data)).toBe('are you there');
    client.ws.close();
  });
});
