import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { corkPerTick } from './cork.js';

/** A stand-in for a TCP socket that records cork and uncork calls. */
function recordingStream(): { stream: Socket; calls: string[] } {
  const calls: string[] = [];
  const stream = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') } as unknown as Socket;
  return { stream, calls };
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('corkPerTick', () => {
  it('corks once for all the sends of a tick and uncorks when the tick ends', async () => {
    const { stream, calls } = recordingStream();
    const hold = corkPerTick(stream);
    hold();
    hold();
    hold();
    expect(calls).toEqual(['cork']);
    await nextTick();
    expect(calls).toEqual(['cork', 'uncork']);
  });

  it('corks again in a later tick', async () => {
    const { stream, calls } = recordingStream();
    const hold = corkPerTick(stream);
    hold();
    await nextTick();
    hold();
    await nextTick();
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });
});
