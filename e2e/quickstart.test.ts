import { connect } from '@tether/client';
import { createServer } from '@tether/server';
import { expect, it } from 'vitest';

// The README's quick start, as written there (port 0 instead of 8080), so it cannot rot.
type Api = { math: { add(a: number, b: number): number } };

it('runs the README quick start', async () => {
  await using server = await createServer({ port: 0 });
  server.serve<Api>({ math: { add: (a, b) => a + b } });

  await using client = connect(server.url);
  const remote = client.remote<Api>();
  const sum: number = await remote.math.add(1, 2);
  expect(sum).toBe(3);

  server.subscription('ticks', () => server.topic('ticks'));
  const ticks = client.subscribe<number>('ticks');
  await ticks.ready;
  await server.publish('ticks', 1);
  for await (const tick of ticks) {
    expect(tick).toBe(1);
    break;
  }
});
