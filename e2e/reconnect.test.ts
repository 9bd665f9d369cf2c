import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ErrorCode, type Client, type ClientEvents } from '@tether/client';
import { createServer, HttpError } from '@tether/server';

/**
 * A Tether server in a child process, so that "the server died" can be a real SIGKILL: the
 * kernel resets the sockets and the client sees 1006, with no close frame. It exits with the
 * test runner too, since its stdin closes then.
 */
const SERVER = `
import { createServer } from '@tether/server';
const server = await createServer({ port: Number(process.env.PORT), host: '127.0.0.1' });
server.serve({ add: (a, b) => a + b, hang: () => new Promise(() => {}), pid: () => process.pid });
process.stdin.on('end', () => process.exit(0)).resume();
process.stdout.write(server.port + '\\n');
`;

const children = new Set<ChildProcess>();
const clients = new Set<Client>();

afterEach(async () => {
  await Promise.all([...clients].map((client) => client.close()));
  clients.clear();
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

async function spawnServer(port = 0): Promise<{ port: number; kill(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', '--input-type=module', '-e', SERVER],
    {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env: { ...process.env, PORT: String(port) },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('server process exited before listening');
    }),
  ])) as [Buffer];
  return {
    port: Number(line.toString().trim()),
    async kill() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
    },
  };
}

/** A client with fast retries that records its status events in order. */
function track(url: string, options: Parameters<typeof connect>[1] = {}) {
  const client = connect(url, { ...options, reconnect: { baseDelay: 20, maxDelay: 100, ...options.reconnect } });
  clients.add(client);
  const events: string[] = [];
  for (const name of ['connecting', 'open', 'reconnecting', 'closed'] as const) {
    client.on(name, () => events.push(name));
  }
  return { client, events };
}

const next = <K extends keyof ClientEvents>(client: Client, name: K) =>
  new Promise<ClientEvents[K]>((resolve) => client.once(name, (...args) => resolve(args as ClientEvents[K])));

/** Collapses the retry loop (reconnecting, connecting, reconnecting, …) so the order reads plainly. */
const collapse = (events: string[]) =>
  events.filter((event, i) => event !== 'connecting' || i === 0 || events[i - 1] !== 'reconnecting');

describe('reconnect against a Tether server', () => {
  it('survives the server being killed and restarted on the same port, and goes on calling', async () => {
    const first = await spawnServer();
    const { client, events } = track(`ws://127.0.0.1:${first.port}`);
    const remote = client.remote<{ add(a: number, b: number): number; pid(): number }>();
    await expect(remote.add(1, 2)).resolves.toBe(3);
    const firstPid = await remote.pid();

    const reconnecting = next(client, 'reconnecting');
    await first.kill();
    const [{ attempt, disconnect }] = await reconnecting;
    expect(attempt).toBe(1);
    expect(disconnect.code).toBe(1006);
    expect(client.status).toBe('reconnecting');

    const reopened = next(client, 'open');
    await spawnServer(first.port);
    await reopened;
    expect(client.status).toBe('open');
    await expect(remote.add(20, 22)).resolves.toBe(42);
    expect(await remote.pid()).not.toBe(firstPid);
    expect(collapse(events)).toEqual(expect.arrayContaining(['connecting', 'open', 'reconnecting', 'open']));
    expect(collapse(events).filter((e) => e !== 'reconnecting')).toEqual(['connecting', 'open', 'open']);
  });

  it('delivers calls made while offline once it reconnects', async () => {
    const first = await spawnServer();
    const { client } = track(`ws://127.0.0.1:${first.port}`);
    await client.opened();
    const reconnecting = next(client, 'reconnecting');
    await first.kill();
    await reconnecting;

    const offline = [client.call('add', [1, 1]), client.call('add', [2, 2]), client.call('add', [3, 3])];
    expect(client.stats.queued).toBe(3);
    await spawnServer(first.port);
    await expect(Promise.all(offline)).resolves.toEqual([2, 4, 6]);
    expect(client.stats).toMatchObject({ pending: 0, queued: 0 });
  });

  it('rejects calls in flight when the connection drops, with ConnectionClosed', async () => {
    const server = await spawnServer();
    const { client } = track(`ws://127.0.0.1:${server.port}`);
    await client.opened();
    const hanging = expect(client.call('hang')).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      data: { code: 1006 },
    });
    await expect(client.call('add', [0, 0])).resolves.toBe(0); // the hang request has reached the server
    await server.kill();
    await hanging;
  });

  it('gives up after maxRetries and closes, rejecting the queue', async () => {
    const server = await spawnServer();
    const { client, events } = track(`ws://127.0.0.1:${server.port}`, { reconnect: { maxRetries: 3 } });
    await client.opened();
    const closed = next(client, 'closed');
    await server.kill();
    const queued = expect(client.call('add', [1, 2])).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    const [event] = await closed;
    expect(event).toMatchObject({
      why: 'exhausted',
      reason: expect.stringMatching(
        /^gave up after 3 retries: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: connection refused/,
      ),
    });
    expect(client.status).toBe('closed');
    expect(events.filter((e) => e === 'reconnecting')).toHaveLength(3);
    expect(events.at(-1)).toBe('closed');
    await queued;
  });

  it('close() settles every call, pending and queued, and stops reconnecting for good', async () => {
    const first = await spawnServer();
    const { client } = track(`ws://127.0.0.1:${first.port}`);
    await client.opened();
    const pending = expect(client.call('hang')).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
    await expect(client.call('add', [0, 0])).resolves.toBe(0);
    await client.close();
    await pending;
    await expect(client.call('add', [1, 1])).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });

    const second = track(`ws://127.0.0.1:${first.port}`).client;
    await second.opened();
    const reconnecting = next(second, 'reconnecting');
    await first.kill();
    await reconnecting;
    const queued = expect(second.call('add', [1, 1])).rejects.toMatchObject({
      code: ErrorCode.ConnectionClosed,
      message: expect.stringContaining('client closed'),
    });
    await second.close();
    await queued;
    expect(second.status).toBe('closed');
    expect(second.stats).toMatchObject({ pending: 0, queued: 0 });
  });
});

describe('reconnect against an in-process Tether server', () => {
  it('follows a graceful server restart (1001) and the server can call the client again', async () => {
    const first = await createServer({ port: 0, host: '127.0.0.1' });
    const port = first.port;
    const { client, events } = track(first.url);
    client.register('ui.ping', () => 'pong');
    await client.opened();
    const [peer] = first.connections;
    await expect(peer?.call('ui.ping')).resolves.toBe('pong');

    const reconnecting = next(client, 'reconnecting');
    await first.close({ deadline: 0 });
    const [{ disconnect }] = await reconnecting;
    expect(disconnect.code).toBe(1001);

    await using second = await createServer({ port, host: '127.0.0.1' });
    const connected = once(second, 'connect');
    await next(client, 'open');
    const [secondPeer] = (await connected) as [NonNullable<typeof peer>];
    await expect(secondPeer.call('ui.ping')).resolves.toBe('pong');
    expect(collapse(events).filter((e) => e !== 'reconnecting')).toEqual(['connecting', 'open', 'open']);
  });

  it('stops at once when authentication refuses the upgrade with 401', async () => {
    await using server = await createServer({
      port: 0,
      host: '127.0.0.1',
      authenticate: () => {
        throw new HttpError(401, 'no token');
      },
    });
    const { client, events } = track(server.url);
    const [event] = await next(client, 'closed');
    expect(event).toMatchObject({ why: 'refused', disconnect: { status: 401 } });
    expect(events).toEqual(['connecting', 'closed']);
  });
});
