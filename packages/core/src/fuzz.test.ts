import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RpcError } from './errors.js';
import { Peer } from './peer.js';
import type { CloseInfo, Transport } from './transport.js';

/**
 * Property-based tests of the receive path: whatever text arrives, the peer must not throw,
 * must only ever send well-formed JSON-RPC 2.0 responses, and must answer each request that
 * has a usable id exactly once, with that id.
 */

const MAX_BATCH = 8;

/** A transport the test drives by hand: what the peer sends is recorded, nothing is delivered. */
function recordingTransport() {
  const sent: string[] = [];
  let deliver: (text: string) => void = () => undefined;
  const transport: Transport = {
    send: (text) => void sent.push(text),
    onMessage: (listener) => void (deliver = listener),
    onClose: (_listener: (info: CloseInfo) => void) => undefined,
    close: () => undefined,
  };
  return { transport, sent, receive: (text: string) => deliver(text) };
}

function fuzzPeer() {
  const wire = recordingTransport();
  const peer = new Peer({ maxBatch: MAX_BATCH, timeout: 0 });
  peer.on('handlerError', () => undefined);
  peer.service.serve({
    echo: (...args: unknown[]) => args,
    later: async (...args: unknown[]) => args,
    fail: () => {
      throw new Error('plain');
    },
    rpcFail: async (x: unknown) => {
      throw new RpcError(-32099, 'chosen', x);
    },
    big: () => 1n,
    nothing: () => undefined,
    ns: { deep: { echo: (x: unknown) => x } },
  });
  peer.attach(wire.transport);
  return { peer, ...wire };
}

const METHODS = [
  'echo',
  'later',
  'fail',
  'rpcFail',
  'big',
  'nothing',
  'ns.deep.echo',
  'missing',
  '__proto__',
  'constructor',
  'toString',
  'ns',
  'rpc.subscribe',
  'rpc.unsubscribe',
  'rpc.subscription',
  '$/cancelRequest',
  '',
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validId = (v: unknown) => typeof v === 'string' || v === null || (typeof v === 'number' && Number.isFinite(v));
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The ids the spec says one message earns a response for (null where the id could not be
 * read), written from the spec rather than from the dispatcher's code.
 */
function expectedIds(item: unknown): unknown[] {
  if (!isObject(item)) return [null];
  if (!has(item, 'method') && has(item, 'id') && (has(item, 'result') || has(item, 'error'))) return []; // a response
  const idOk = !has(item, 'id') || validId(item.id);
  const valid =
    item.jsonrpc === '2.0' &&
    typeof item.method === 'string' &&
    idOk &&
    (!has(item, 'params') || (typeof item.params === 'object' && item.params !== null));
  if (valid && !has(item, 'id')) return []; // a notification
  return [idOk && has(item, 'id') ? item.id : null];
}

/** Throws unless `value` is exactly a JSON-RPC 2.0 response object. */
function checkResponse(value: unknown): unknown {
  if (!isObject(value)) throw new Error(`response is not an object: ${JSON.stringify(value)}`);
  const keys = Object.keys(value).sort();
  const isResult = keys.join() === 'id,jsonrpc,result';
  const isError = keys.join() === 'error,id,jsonrpc';
  if (!isResult && !isError) throw new Error(`bad response keys: ${keys.join()}`);
  if (value.jsonrpc !== '2.0') throw new Error('jsonrpc is not "2.0"');
  if (!validId(value.id)) throw new Error(`bad response id: ${JSON.stringify(value.id)}`);
  if (isError) {
    const error = value.error;
    if (!isObject(error)) throw new Error('error is not an object');
    const errorKeys = Object.keys(error)
      .filter((k) => k !== 'data')
      .sort();
    if (errorKeys.join() !== 'code,message') throw new Error(`bad error keys: ${Object.keys(error).join()}`);
    if (!Number.isInteger(error.code)) throw new Error(`error code is not an integer: ${String(error.code)}`);
    if (typeof error.message !== 'string') throw new Error('error message is not a string');
  }
  return value.id;
}

const idKey = (id: unknown) => JSON.stringify(id);

function countIds(ids: unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(idKey(id), (counts.get(idKey(id)) ?? 0) + 1);
  return counts;
}

/** Waits until every handler started by the last message has answered (microtasks only). */
async function settle(peer: Peer): Promise<void> {
  for (let turn = 0; turn < 50; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (peer.stats.running === 0) return;
  }
  throw new Error('handlers still running');
}

/** Feeds one text and checks everything the peer sent in reply to it. */
async function feed(text: string): Promise<void> {
  const { peer, sent, receive } = fuzzPeer();
  expect(() => receive(text)).not.toThrow();
  await settle(peer);

  let parsed: unknown;
  let parses = true;
  try {
    parsed = JSON.parse(text);
  } catch {
    parses = false;
  }
  const replies = sent.map((t) => JSON.parse(t) as unknown);
  expect(replies.length).toBeLessThanOrEqual(1);

  let expected: unknown[];
  let got: unknown[];
  if (!parses || (Array.isArray(parsed) && parsed.length === 0)) {
    // One error object for the whole message.
    expected = [null];
    got = replies.map(checkResponse);
    expect(replies).toHaveLength(1);
    expect((replies[0] as { error: { code: number } }).error.code).toBe(parses ? -32600 : -32700);
  } else if (Array.isArray(parsed)) {
    expected = parsed.flatMap(expectedIds);
    if (expected.length === 0) expect(replies).toHaveLength(0);
    else {
      expect(replies).toHaveLength(1);
      expect(Array.isArray(replies[0])).toBe(true);
    }
    got = replies.flatMap((r) => (r as unknown[]).map(checkResponse));
    if (parsed.length > MAX_BATCH) {
      // Too long to run: each entry that earns an answer is refused under its own id.
      const codes = replies.flatMap((r) => (r as Array<{ error?: { code: number } }>).map((e) => e.error?.code));
      expect(codes.every((code) => code === -32600)).toBe(true);
    }
  } else {
    expected = expectedIds(parsed);
    expect(replies.every((r) => !Array.isArray(r))).toBe(true);
    got = replies.map(checkResponse);
  }
  expect(countIds(got)).toEqual(countIds(expected));
  expect(peer.stats).toMatchObject({ pending: 0, running: 0, queued: 0 });
  peer.close();
}

const idArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const paramsArb = fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const methodArb = fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }));

/** Request-shaped objects, each field present, absent or of the wrong kind, plus stray fields. */
const requestLike = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), fc.jsonValue({ maxDepth: 1 })),
      method: methodArb,
      params: paramsArb,
      id: idArb,
      result: fc.jsonValue({ maxDepth: 2 }),
      error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string() }), fc.jsonValue({ maxDepth: 2 })),
      proto: fc.jsonValue({ maxDepth: 1 }),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .map((fields) => {
    // Built key by key so that "__proto__" becomes an own key, as JSON.parse would make it.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      Object.defineProperty(out, k === 'proto' ? '__proto__' : k, { value: v, enumerable: true });
    }
    return out;
  });

/** Mostly valid requests, so handlers really run, with one field mutated now and then. */
const nearlyValid = fc
  .record({
    method: fc.constantFrom(...METHODS),
    params: fc.option(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), { nil: undefined }),
    id: fc.option(
      fc.oneof(
        fc.integer(),
        fc.string({ maxLength: 4 }),
        fc.constant(null),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      ),
      { nil: undefined },
    ),
    mutate: fc.option(
      fc.tuple(
        fc.constantFrom('jsonrpc', 'method', 'params', 'id', 'result', 'error'),
        fc.option(fc.jsonValue({ maxDepth: 1 })),
      ),
      { nil: undefined },
    ),
  })
  .map(({ method, params, id, mutate }) => {
    const out: Record<string, unknown> = { jsonrpc: '2.0', method };
    if (params !== undefined) out.params = params;
    if (id !== undefined) out.id = id;
    if (mutate) {
      const [key, value] = mutate;
      if (value === null) delete out[key];
      else out[key] = value;
    }
    return out;
  });

const messageArb = fc.oneof(requestLike, nearlyValid, nearlyValid, fc.jsonValue({ maxDepth: 3 }));
const asText = (value: unknown) => JSON.stringify(value) ?? 'null';

describe('receive path properties', () => {
  it('survives and answers correctly any single JSON message', async () => {
    await fc.assert(fc.asyncProperty(messageArb.map(asText), feed), { numRuns: 300 });
  });

  it('survives and answers correctly any batch', async () => {
    const batch = fc.array(messageArb, { minLength: 0, maxLength: MAX_BATCH + 2 }).map(asText);
    await fc.assert(fc.asyncProperty(batch, feed), { numRuns: 300 });
  });

  it('survives text that is not JSON, or JSON cut short or corrupted', async () => {
    const corrupted = fc
      .tuple(
        fc.oneof(messageArb, fc.array(messageArb, { maxLength: 3 })).map(asText),
        fc.nat(),
        fc.string({ maxLength: 3 }),
      )
      .map(([text, at, junk]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + junk + text.slice(cut + (at % 2));
      });
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), corrupted);
    await fc.assert(fc.asyncProperty(text, feed), { numRuns: 300 });
  });
});
