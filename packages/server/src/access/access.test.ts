import { describe, expect, it } from 'vitest';
import { ErrorCode, type StandardSchemaV1 } from '@tether/core';
import { connectPeer, openRaw, useServers } from '../test-support.js';

type Caller = { user: string; roles: string[] };
const start = useServers();

/** Callers named in the query: `?user=ada&roles=admin,ops`. */
const authenticate = (request: { query: URLSearchParams }): Caller => ({
  user: request.query.get('user') ?? 'anon',
  roles: (request.query.get('roles') ?? '').split(',').filter(Boolean),
});

/** A schema that records each use, to show a refused call never reached it. */
function spySchema(log: string[]): StandardSchemaV1 {
  return {
    '~standard': {
      version: 1,
      vendor: 'spy',
      validate: (value) => {
        log.push('schema');
        return { value };
      },
    },
  };
}

describe('access control', () => {
  it('refuses a caller without the grants a method requires with -32004, before its schema or handler runs', async () => {
    const server = await start<Caller>({ port: 0, authenticate });
    const log: string[] = [];
    server.register('admin.reset', (n: number) => log.push(`handler ${n}`), {
      params: spySchema(log),
      requires: ['admin', 'ops'],
    });
    const raw = await openRaw(`${server.url}?user=eve&roles=ops`);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'admin.reset', params: [1] });
    await expect(raw.next()).resolves.toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: ErrorCode.Unauthorized,
        message: 'Unauthorized: admin.reset requires "admin", which this connection does not hold',
        data: { method: 'admin.reset', missing: ['admin'] },
      },
    });
    expect(log).toEqual([]);
    expect(server.stats.errors).toBe(1);
    raw.ws.close();

    const admin = await connectPeer(`${server.url}?user=ada&roles=admin,ops`);
    await expect(admin.call('admin.reset', [2])).resolves.toBe(2);
    expect(log).toEqual(['schema', 'handler 2']);
    admin.close();
  });

  it('reads grants with the access option, from any context shape', async () => {
    const server = await start<{ scope: string }>({
      port: 0,
      authenticate: (request) => ({ scope: request.query.get('scope') ?? '' }),
      access: { grants: (data) => new Set(data.scope.split(' ')) },
    });
    server.register('orders.write', () => 'written', { requires: ['orders:write'] });
    const reader = await connectPeer(`${server.url}?scope=orders:read`);
    await expect(reader.call('orders.write')).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { missing: ['orders:write'] },
    });
    const writer = await connectPeer(`${server.url}?scope=${encodeURIComponent('orders:read orders:write')}`);
    await expect(writer.call('orders.write')).resolves.toBe('written');
    reader.close();
    writer.close();
  });

  it('refuses a subscribe without the grants before the handler or the params schema runs', async () => {
    const server = await start<Caller>({ port: 0, authenticate });
    const log: string[] = [];
    server.subscription(
      'audit.log',
      function () {
        log.push('handler');
        return server.topic('audit');
      },
      { requires: ['auditor'], params: spySchema(log) },
    );
    const raw = await openRaw(`${server.url}?user=eve`);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.subscribe', params: { name: 'audit.log', params: {} } });
    await expect(raw.next()).resolves.toMatchObject({
      id: 1,
      error: { code: ErrorCode.Unauthorized, data: { method: 'audit.log', missing: ['auditor'] } },
    });
    expect(log).toEqual([]);
    raw.ws.close();

    const auditor = await connectPeer(`${server.url}?user=ada&roles=auditor`);
    const sub = auditor.subscribe('audit.log', {});
    await sub.ready;
    expect(log).toEqual(['schema', 'handler']);
    auditor.close();
  });

  it('lets a refused call spend its rate, so a flood of them is limited like any other', async () => {
    const server = await start<Caller>({ port: 0, authenticate, rateLimit: { callsPerSecond: 0.001, burst: 1 } });
    server.register('admin.reset', () => 'reset', { requires: ['admin'] });
    server.register('open', () => 'open');
    const guest = await connectPeer(server.url);
    await expect(guest.call('admin.reset')).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    await expect(guest.call('open')).rejects.toMatchObject({ code: ErrorCode.RateLimited });
    guest.close();
  });

  it('rejects a grant that is not a non-empty string at registration', async () => {
    const server = await start({ port: 0 });
    expect(() => server.register('x', () => 1, { requires: [''] })).toThrow(/requires a grant/);
    expect(() => server.register('y', () => 1, { requires: 'admin' as never })).toThrow(/must be an array/);
    // Refused before registering: a method is never served without the grants it was meant to require.
    expect(server.service.methods.get('x')).toBeUndefined();
  });
});
