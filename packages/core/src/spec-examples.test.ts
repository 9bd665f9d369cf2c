import { describe, expect, it } from 'vitest';
import { rawSide } from './testing/raw.js';

/**
 * The examples of section 7 of the JSON-RPC 2.0 specification (jsonrpc.org/specification),
 * message for message: the request text is the spec's, byte for byte, and the answer must
 * deep-equal the spec's. Batch answers are compared as sets, since the spec lets their
 * order differ.
 */

const notified: unknown[][] = [];

function specPeer() {
  const side = rawSide();
  side.peer.service.serve({
    subtract(a: number | { minuend: number; subtrahend: number }, b?: number) {
      return typeof a === 'object' ? a.minuend - a.subtrahend : a - (b as number);
    },
    update: (...args: unknown[]) => void notified.push(['update', ...args]),
    sum: (...args: number[]) => args.reduce((x, y) => x + y, 0),
    notify_hello: (...args: unknown[]) => void notified.push(['notify_hello', ...args]),
    get_data: () => ['hello', 5],
    notify_sum: (...args: unknown[]) => void notified.push(['notify_sum', ...args]),
  });
  return side;
}

const byId = (a: unknown, b: unknown) =>
  JSON.stringify((a as { id: unknown }).id).localeCompare(JSON.stringify((b as { id: unknown }).id));

/** Compares batch answers as sets (by id, then content for equal ids such as null). */
function asSet(value: unknown): unknown[] {
  expect(Array.isArray(value)).toBe(true);
  return [...(value as unknown[])].sort((a, b) => byId(a, b) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('JSON-RPC 2.0 specification, section 7 examples', () => {
  it('rpc call with positional parameters', async () => {
    await using side = specPeer();
    expect(await side.exchange('{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}')).toEqual({
      jsonrpc: '2.0',
      result: 19,
      id: 1,
    });
    expect(await side.exchange('{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}')).toEqual({
      jsonrpc: '2.0',
      result: -19,
      id: 2,
    });
  });

  it('rpc call with named parameters', async () => {
    await using side = specPeer();
    expect(
      await side.exchange(
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: 19, id: 3 });
    expect(
      await side.exchange(
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
      ),
    ).toEqual({ jsonrpc: '2.0', result: 19, id: 4 });
  });

  it('a notification', async () => {
    await using side = specPeer();
    notified.length = 0;
    side.send('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}');
    side.send('{"jsonrpc": "2.0", "method": "foobar"}');
    await side.expectSilence();
    expect(notified).toEqual([['update', 1, 2, 3, 4, 5]]);
  });

  it('rpc call of non-existent method', async () => {
    await using side = specPeer();
    expect(await side.exchange('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found: foobar', data: { method: 'foobar' } },
      id: '1',
    });
  });

  it('rpc call with invalid JSON', async () => {
    await using side = specPeer();
    expect(await side.exchange('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  it('rpc call with invalid Request object', async () => {
    await using side = specPeer();
    expect(await side.exchange('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  it('rpc call Batch, invalid JSON', async () => {
    await using side = specPeer();
    const text = `[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]`;
    expect(await side.exchange(text)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  it('rpc call with an empty Array', async () => {
    await using side = specPeer();
    expect(await side.exchange('[]')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  it('rpc call with an invalid Batch (but not empty)', async () => {
    await using side = specPeer();
    expect(await side.exchange('[1]')).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ]);
  });

  it('rpc call with invalid Batch', async () => {
    await using side = specPeer();
    const invalid = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
    expect(await side.exchange('[1,2,3]')).toEqual([invalid, invalid, invalid]);
  });

  it('rpc call Batch', async () => {
    await using side = specPeer();
    notified.length = 0;
    const text = `[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"} 
    ]`;
    expect(asSet(await side.exchange(text))).toEqual(
      asSet([
        { jsonrpc: '2.0', result: 7, id: '1' },
        { jsonrpc: '2.0', result: 19, id: '2' },
        { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
        {
          jsonrpc: '2.0',
          error: { code: -32601, message: 'Method not found: foo.get', data: { method: 'foo.get' } },
          id: '5',
        },
        { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
      ]),
    );
    expect(notified).toEqual([['notify_hello', 7]]);
  });

  it('rpc call Batch (all notifications)', async () => {
    await using side = specPeer();
    notified.length = 0;
    side.send(`[
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
    ]`);
    await side.expectSilence();
    expect(notified).toEqual([
      ['notify_sum', 1, 2, 4],
      ['notify_hello', 7],
    ]);
  });
});
