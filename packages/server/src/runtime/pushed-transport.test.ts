import type { CloseInfo } from '@tether/core';
import { describe, expect, it } from 'vitest';
import type { BackpressureEvent, BackpressurePolicy } from '../transport/backpressure.js';
import { PushedTransport } from './pushed-transport.js';

/** A runtime whose reader is slow when the test says so, recording what was written and closed. */
class FakeTransport extends PushedTransport {
  readonly written: string[] = [];
  closedWith: [number | undefined, string | undefined] | undefined;
  isSlow = false;
  queued = 0;

  protected write(message: string): boolean {
    this.written.push(message);
    return true;
  }

  protected slow(): boolean {
    return this.isSlow;
  }

  protected override bufferedAmount(): number {
    return this.queued;
  }

  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }

  terminate(): void {}
}

function fake(backpressure: BackpressurePolicy = 'drop', maxPayload = 16) {
  const events: BackpressureEvent[] = [];
  const transport = new FakeTransport({
    maxPayload,
    maxBufferedBytes: 100,
    backpressure,
    onBackpressure: (event) => events.push(event),
  });
  return { transport, events };
}

describe('PushedTransport', () => {
  it('hands messages up to maxPayload bytes to the peer, and closes with 1009 past it, counting UTF-8 bytes', () => {
    const { transport } = fake();
    const received: string[] = [];
    transport.onMessage((message) => received.push(message));
    transport.deliver('x'.repeat(16));
    transport.deliver(new TextEncoder().encode('{"a":1}'));
    expect(received).toEqual(['x'.repeat(16), '{"a":1}']);
    transport.deliver('é'.repeat(9)); // 9 characters, 18 bytes
    expect(transport.closedWith).toEqual([1009, 'message too big']);
    expect(received).toHaveLength(2);
  });

  it('drops pushes while the reader is slow, reporting each stretch once, and still sends the rest under drop', () => {
    const { transport, events } = fake('drop');
    transport.isSlow = true;
    transport.send('push 1', { droppable: true });
    transport.send('push 2', { droppable: true });
    transport.send('response');
    expect(transport.written).toEqual(['response']);
    expect(transport.dropped).toBe(2);
    expect(events).toEqual([{ action: 'drop', bufferedAmount: 0 }]);
    transport.isSlow = false;
    transport.send('push 3', { droppable: true });
    transport.isSlow = true;
    transport.send('push 4', { droppable: true });
    expect(events).toHaveLength(2); // a new stretch
  });

  it('refuses results past twice maxBufferedBytes under drop, and sends every other message', () => {
    const { transport, events } = fake('drop');
    transport.isSlow = true;
    transport.queued = 199;
    expect(transport.send('result 1', { refusable: true })).toBe(true);
    transport.queued = 200;
    expect(transport.send('result 2', { refusable: true })).toBe(false);
    expect(transport.send('error')).toBe(true);
    expect(transport.written).toEqual(['result 1', 'error']);
    expect(transport.queueLimit).toBe(200);
    expect(events).toEqual([{ action: 'drop', bufferedAmount: 200 }]);
  });

  it('closes with 1013 when a response meets a slow reader under close', () => {
    const { transport, events } = fake('close');
    transport.isSlow = true;
    transport.send('response');
    expect(transport.written).toEqual([]);
    expect(transport.closedWith).toEqual([1013, 'client too slow']);
    expect(events).toEqual([{ action: 'close', bufferedAmount: 0 }]);
  });

  it('reports its close once, and delivers and sends nothing after it', () => {
    const { transport } = fake();
    const closes: CloseInfo[] = [];
    const received: string[] = [];
    transport.onClose((info) => closes.push(info));
    transport.onMessage((message) => received.push(message));
    transport.end({ code: 1000, reason: 'bye' });
    transport.end({ code: 1006, reason: '' });
    transport.deliver('late');
    expect(transport.sendText('late', false)).toBe(false);
    expect(closes).toEqual([{ code: 1000, reason: 'bye' }]);
    expect(received).toEqual([]);
    expect(transport.written).toEqual([]);
  });
});
