import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, RequestManager, WebSocketTransport } from '@open-rpc/client-js';
import jsonSchemaMeta from '@json-schema-tools/meta-schema';
import openrpcMeta from '@open-rpc/meta-schema';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type StandardSchemaV1 } from '@tether/core';
import { connectPeer, openRaw, useServers } from '../test-support.js';
import { registerShop } from './fixtures/shop.js';
import { openrpcOf } from './cli.js';

type Caller = { user: string; roles: string[] };
const start = useServers();
const authenticate = (request: { query: URLSearchParams }): Caller => ({
  user: request.query.get('user') ?? 'anon',
  roles: (request.query.get('roles') ?? '').split(',').filter(Boolean),
});

/** The OpenRPC meta-schema, compiled: its JSON Schema dialect is that of @json-schema-tools, referenced with and without a slash. */
function metaSchemaValidator() {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, logger: false });
  for (const format of ['uri', 'uri-reference', 'regex']) ajv.addFormat(format, true);
  const { $schema: _dialect, ...dialect } = jsonSchemaMeta as unknown as Record<string, unknown>;
  ajv.addSchema(dialect);
  const { $id: _id, ...sameDialect } = dialect;
  ajv.addSchema(sameDialect, 'https://meta.json-schema.tools');
  const { $schema: _meta, ...meta } = openrpcMeta as unknown as Record<string, unknown>;
  return ajv.compile(meta);
}
const validateOpenrpc = metaSchemaValidator();

type Doc = { openrpc: string; methods: Array<Record<string, any>>; components: { errors: Record<string, unknown> } };
const method = (doc: Doc, name: string) => doc.methods.find((m) => m.name === name);

describe('rpc.discover', () => {
  it('answers an OpenRPC document, valid against the meta-schema, built from the registered schemas', async () => {
    const server = registerShop(
      await start<Caller>({ port: 0, authenticate, discovery: { info: { title: 'Shop', version: '1.2.0' } } }),
    );
    const raw = await openRaw(`${server.url}?roles=admin`);
    raw.send({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' });
    const { result: doc } = (await raw.next()) as { result: Doc };
    expect(validateOpenrpc(doc), JSON.stringify(validateOpenrpc.errors)).toBe(true);
    expect(doc).toMatchObject({ openrpc: '1.3.2', info: { title: 'Shop', version: '1.2.0' } });
    expect(method(doc, 'cart.add')).toMatchObject({
      paramStructure: 'by-name',
      params: [
        { name: 'sku', schema: { type: 'string' }, required: true },
        { name: 'qty', schema: { type: 'integer', exclusiveMinimum: 0 }, required: true },
        { name: 'note', schema: { type: 'string' }, required: false },
      ],
      result: { name: 'result', schema: { type: 'object', required: ['sku', 'qty'] } },
    });
    expect(method(doc, 'cart.add')?.errors).toContainEqual({ $ref: '#/components/errors/InvalidParams' });
    expect(method(doc, 'math.add')).toMatchObject({
      paramStructure: 'by-position',
      params: [
        { name: 'arg0', schema: { type: 'number' }, required: true },
        { name: 'arg1', schema: { type: 'number' }, required: true },
      ],
      result: { schema: { type: 'number' } },
    });
    // No schema: the handler's positional params, each any value.
    expect(method(doc, 'legacy.echo')).toMatchObject({
      paramStructure: 'by-position',
      params: [
        { name: 'arg0', schema: {} },
        { name: 'arg1', schema: {} },
      ],
      result: { schema: {} },
    });
    expect(method(doc, 'admin.refund')).toMatchObject({ 'x-requires': ['admin'] });
    expect(method(doc, 'admin.refund')?.errors).toContainEqual({ $ref: '#/components/errors/Unauthorized' });
    expect(method(doc, 'orders.updates')).toMatchObject({
      params: [{ name: 'region', required: true }],
      'x-subscription': {
        subscribe: 'rpc.subscribe',
        event: { type: 'object', properties: { status: { enum: ['paid', 'shipped'] } } },
        resumable: true,
        historySize: 1000,
        gapCode: ErrorCode.HistoryGap,
      },
    });
    expect(method(doc, 'rpc.subscribe')).toBeDefined();
    expect(method(doc, 'rpc.discover')).toBeUndefined();
    expect(doc.components.errors['Unauthorized']).toEqual({ code: -32004, message: expect.any(String) });
    expect(Object.keys(doc.components.errors)).toEqual(Object.keys(ErrorCode));
    raw.ws.close();
  });

  it('hides from a caller what it lacks the grants for, or marks it with x-denied', async () => {
    const hiding = registerShop(await start<Caller>({ port: 0, authenticate }));
    const guest = await connectPeer(hiding.url);
    const hidden = await guest.call<Doc>('rpc.discover');
    expect(method(hidden, 'admin.refund')).toBeUndefined();
    expect(method(hidden, 'cart.add')).toBeDefined();
    guest.close();

    const marking = registerShop(await start<Caller>({ port: 0, authenticate, discovery: { unauthorized: 'mark' } }));
    const other = await connectPeer(marking.url);
    const marked = await other.call<Doc>('rpc.discover');
    expect(method(marked, 'admin.refund')).toMatchObject({
      'x-requires': ['admin'],
      'x-denied': { missing: ['admin'] },
    });
    expect(validateOpenrpc(marked)).toBe(true);
    other.close();
  });

  it('lists the methods clients implement with x-implemented-by, and converts schemas through toJsonSchema', async () => {
    const opaque: StandardSchemaV1 = {
      '~standard': { version: 1, vendor: 'opaque', validate: (value) => ({ value }) },
    };
    const server = await start({
      port: 0,
      discovery: {
        clientMethods: { 'client.confirm': { params: opaque, description: 'Asks the user.' } },
        toJsonSchema: (schema, io) =>
          schema === opaque && io === 'input' ? { type: 'array', items: [{ type: 'string' }], minItems: 1 } : undefined,
      },
    });
    server.register('plain', (x: unknown) => x, { params: opaque, result: opaque });
    const doc = server.openrpc() as unknown as Doc;
    expect(validateOpenrpc(doc)).toBe(true);
    expect(method(doc, 'client.confirm')).toMatchObject({
      'x-implemented-by': 'client',
      description: 'Asks the user.',
      params: [{ name: 'arg0', schema: { type: 'string' }, required: true }],
    });
    expect(method(doc, 'plain')).toMatchObject({ paramStructure: 'by-position', result: { schema: {} } });
  });

  it('is not served with discovery: false', async () => {
    const server = await start({ port: 0, discovery: false });
    const peer = await connectPeer(server.url);
    await expect(peer.call('rpc.discover')).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    peer.close();
  });

  it('is fetched by a third-party client, @open-rpc/client-js, over WebSocket', async () => {
    const server = registerShop(await start<Caller>({ port: 0, authenticate }));
    const transport = new WebSocketTransport(server.url);
    const client = new Client(new RequestManager([transport]));
    try {
      const doc = (await client.request({ method: 'rpc.discover' })) as Doc;
      expect(method(doc, 'cart.add')).toBeDefined();
      await expect(client.request({ method: 'math.add', params: [2, 3] })).resolves.toBe(5);
    } finally {
      client.close();
    }
  });
});

describe('the openrpc command', () => {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const fixture = fileURLToPath(new URL('./fixtures/shop.ts', import.meta.url));

  it("writes the document of a module's server, everything listed with what it requires", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', cli, fixture],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, INIT_CWD: '' },
        timeout: 30_000,
      },
    );
    const doc = JSON.parse(stdout) as Doc;
    expect(validateOpenrpc(doc)).toBe(true);
    expect(doc).toMatchObject({ info: { title: 'Shop', version: '1.2.0' } });
    expect(method(doc, 'admin.refund')).toMatchObject({ 'x-requires': ['admin'] });
    expect(method(doc, 'client.confirm')).toMatchObject({ 'x-implemented-by': 'client' });
  });

  it('names the module and the export when it exports no server', async () => {
    await expect(openrpcOf(fixture, 'server')).rejects.toThrow(/shop\.ts exports no server as "server"/);
  });
});
