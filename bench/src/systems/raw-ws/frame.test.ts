import { describe, expect, it } from 'vitest';
import { textFrame } from './frame.js';

/** The payload of one unmasked final text frame, read by RFC 6455's layout; throws on anything else. */
function readTextFrame(frame: Buffer): string {
  expect(frame[0]).toBe(0x81);
  const first = frame[1]!;
  expect(first & 0x80).toBe(0);
  let length = first & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  expect(frame.length).toBe(offset + length);
  return frame.subarray(offset).toString('utf8');
}

describe('textFrame', () => {
  it('frames short and extended-length text as one complete server frame', () => {
    for (const text of ['{"event":1}', 'é'.repeat(200), 'x'.repeat(70_000)]) {
      expect(readTextFrame(textFrame(text))).toBe(text);
    }
  });
});
