import { describe, expect, it } from 'vitest';
import { rawSide } from './testing/raw.js';

const invalidRequest = (id: unknown) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32600, message: 'Invalid Request' },
});

function echoPeer() {
  const side = rawSide();
  side.peer.service.register('echo', (...args: unknown[]) => args);
  return side;
}

describe('malformed input', () => {
  it.each([
    '',
    ' ',
    '{',
    '{"jsonrpc": "2.0", "method": "echo", "id": 1',
    'undefined',
    "{'jsonrpc': '2.0'}",
    '[1,]',
    '\u0000',
    'NaN',
  ])('answers unparseable text %j with -32700 and id null', async (text) => {
    await using side = echoPeer();
    expect(await side.exchange(text)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
  });

  it.each([
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
  ])('answers valid JSON that is %s with -32600 and id null', async (_what, text) => {
    await using side = echoPeer();
    expect(await side.exchange(text)).toEqual(invalidRequest(null));
  });

  it.each([
    ['missing', { method: 'echo', id: 7 }],
    ['"1.0"', { jsonrpc: '1.0', method: 'echo', id: 7 }],
    ['the number 2', { jsonrpc: 2, method: 'echo', id: 7 }],
    ['"2.0 "', { jsonrpc: '2.0 ', method: 'echo', id: 7 }],
    ['null', { jsonrpc: null, method: 'echo', id: 7 }],
  ])('answers jsonrpc %s with -32600, echoing the id', async (_what, message) => {
    await using side = echoPeer();
    expect(await side.exchange(message)).toEqual(invalidRequest(7));
  });

  it.each([
    ['missing', undefined],
    ['a number', 1],
    ['null', null],
    ['an array', ['echo']],
    ['an object', { name: 'echo' }],
    ['a boolean', true],
  ])('answers a method that is %s with -32600', async (_what, method) => {
    await using side = echoPeer();
    expect(await side.exchange({ jsonrpc: '2.0', method, id: 'm' })).toEqual(invalidRequest('m'));
  });

  it.each([
    ['a string', 'bar'],
    ['a number', 3],
    ['null', null],
    ['true', true],
    ['false', false],
  ])('answers params that are %s with -32600 and runs nothing', async (_what, params) => {
    await using side = rawSide();
    let ran = false;
    side.peer.service.register('echo', () => (ran = true));
    expect(await side.exchange({ jsonrpc: '2.0', method: 'echo', params, id: 'p' })).toEqual(invalidRequest('p'));
    side.send({ jsonrpc: '2.0', method: 'echo', params });
    expect(await side.next()).toEqual(invalidRequest(null));
    expect(ran).toBe(false);
  });

  it.each([
    ['a string', '"abc"', 'abc'],
    ['a string needing escapes', '"q\\"u\\\\o\\u2028te</script>"', 'q"u\\o\u2028te</script>'],
    ['an empty string', '""', ''],
    ['zero', '0', 0],
    ['a negative integer', '-12', -12],
    ['a large integer', '9007199254740991', 9007199254740991],
    ['a fractional number', '1.5', 1.5],
    ['an exponent', '1e3', 1000],
    ['null', 'null', null],
  ])('echoes an id that is %s exactly', async (_what, idText, id) => {
    await using side = echoPeer();
    const text = await (async () => {
      side.send(`{"jsonrpc":"2.0","method":"echo","params":[1],"id":${idText}}`);
      return side.nextText();
    })();
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id, result: [1] });
    expect(text).toContain(`"id":${JSON.stringify(id)}`);
  });

  it.each([
    ['an object', { n: 1 }],
    ['an array', [1]],
    ['true', true],
    ['false', false],
  ])('answers an id that is %s with -32600 and id null, running nothing', async (_what, id) => {
    await using side = rawSide();
    let ran = false;
    side.peer.service.register('echo', () => (ran = true));
    expect(await side.exchange({ jsonrpc: '2.0', method: 'echo', id })).toEqual(invalidRequest(null));
    expect(ran).toBe(false);
  });

  it('treats a number too large for a double as an invalid id', async () => {
    await using side = echoPeer();
    expect(await side.exchange('{"jsonrpc":"2.0","method":"echo","id":1e400}')).toEqual(invalidRequest(null));
  });

  it('ignores responses for unknown ids: no reply, a strayResponse event', async () => {
    await using side = echoPeer();
    const strays: unknown[] = [];
    side.peer.on('strayResponse', (m) => strays.push(m));
    const responses = [
      { jsonrpc: '2.0', id: 999, result: 1 },
      { jsonrpc: '2.0', id: 'x', result: null },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: 3, error: 'not even an error object' },
    ];
    for (const r of responses) side.send(r);
    side.send(responses);
    await side.expectSilence();
    expect(strays).toEqual([...responses, ...responses]);
  });

  it('answers each invalid member of a batch in place and serves the valid ones', async () => {
    await using side = echoPeer();
    const reply = await side.exchange([
      null,
      [],
      'x',
      { jsonrpc: '2.0', method: 'echo', params: [1], id: 1 },
      { jsonrpc: '2.0', method: 'echo', params: 'bad', id: 2 },
      { jsonrpc: '2.0', method: 'echo', id: {} },
    ]);
    expect(reply).toEqual([
      invalidRequest(null),
      invalidRequest(null),
      invalidRequest(null),
      { jsonrpc: '2.0', id: 1, result: [1] },
      invalidRequest(2),
      invalidRequest(null),
    ]);
  });
});
