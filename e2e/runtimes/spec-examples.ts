/**
 * The examples of section 7 of the JSON-RPC 2.0 specification (jsonrpc.org/specification),
 * request text byte for byte, as packages/core/src/spec-examples.test.ts runs them on a peer;
 * here they go over each runtime's server. `notified` is what the notifications of an
 * exchange must have run, read back with the app's `notified` method.
 */
export interface SpecExample {
  readonly title: string;
  readonly exchanges: ReadonlyArray<{ send: string; expected?: unknown; notified?: unknown[] }>;
}

const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };

export const specExamples: SpecExample[] = [
  {
    title: 'rpc call with positional parameters',
    exchanges: [
      {
        send: '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}',
        expected: { jsonrpc: '2.0', result: 19, id: 1 },
      },
      {
        send: '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}',
        expected: { jsonrpc: '2.0', result: -19, id: 2 },
      },
    ],
  },
  {
    title: 'rpc call with named parameters',
    exchanges: [
      {
        send: '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
        expected: { jsonrpc: '2.0', result: 19, id: 3 },
      },
      {
        send: '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
        expected: { jsonrpc: '2.0', result: 19, id: 4 },
      },
    ],
  },
  {
    title: 'a notification',
    exchanges: [
      { send: '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}' },
      { send: '{"jsonrpc": "2.0", "method": "foobar"}', notified: [['update', 1, 2, 3, 4, 5]] },
    ],
  },
  {
    title: 'rpc call of non-existent method',
    exchanges: [
      {
        send: '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}',
        expected: {
          jsonrpc: '2.0',
          error: { code: -32601, message: 'Method not found: foobar', data: { method: 'foobar' } },
          id: '1',
        },
      },
    ],
  },
  {
    title: 'rpc call with invalid JSON',
    exchanges: [{ send: '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', expected: parseError }],
  },
  {
    title: 'rpc call with invalid Request object',
    exchanges: [{ send: '{"jsonrpc": "2.0", "method": 1, "params": "bar"}', expected: invalidRequest }],
  },
  {
    title: 'rpc call Batch, invalid JSON',
    exchanges: [
      {
        send: '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
        expected: parseError,
      },
    ],
  },
  { title: 'rpc call with an empty Array', exchanges: [{ send: '[]', expected: invalidRequest }] },
  { title: 'rpc call with an invalid Batch (but not empty)', exchanges: [{ send: '[1]', expected: [invalidRequest] }] },
  {
    title: 'rpc call with invalid Batch',
    exchanges: [{ send: '[1,2,3]', expected: [invalidRequest, invalidRequest, invalidRequest] }],
  },
  {
    title: 'rpc call Batch',
    exchanges: [
      {
        send: `[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"} 
    ]`,
        expected: [
          { jsonrpc: '2.0', result: 7, id: '1' },
          { jsonrpc: '2.0', result: 19, id: '2' },
          invalidRequest,
          {
            jsonrpc: '2.0',
            error: { code: -32601, message: 'Method not found: foo.get', data: { method: 'foo.get' } },
            id: '5',
          },
          { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
        ],
        notified: [['notify_hello', 7]],
      },
    ],
  },
  {
    title: 'rpc call Batch (all notifications)',
    exchanges: [
      {
        send: `[
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
    ]`,
        notified: [
          ['notify_sum', 1, 2, 4],
          ['notify_hello', 7],
        ],
      },
    ],
  },
];
