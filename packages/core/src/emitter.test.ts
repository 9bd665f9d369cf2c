import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';

class Probe extends Emitter<{ ping: [n: number]; done: [] }> {
  fire<K extends 'ping' | 'done'>(event: K, ...args: K extends 'ping' ? [number] : []) {
    return (this.emit as (e: K, ...a: unknown[]) => boolean)(event, ...args);
  }
}

describe('Emitter', () => {
  it('calls listeners in order, once-listeners only once, and removes with off', () => {
    const probe = new Probe();
    const seen: string[] = [];
    const a = (n: number) => seen.push(`a${n}`);
    probe.on('ping', a);
    probe.once('ping', (n) => seen.push(`once${n}`));
    probe.fire('ping', 1);
    probe.fire('ping', 2);
    probe.off('ping', a);
    probe.fire('ping', 3);
    expect(seen).toEqual(['a1', 'once1', 'a2']);
    expect(probe.fire('done')).toBe(false);
  });

  it('removes a once-listener by the function it was given', () => {
    const probe = new Probe();
    const listener = () => undefined;
    probe.once('done', listener);
    probe.off('done', listener);
    expect(probe.listenerCount('done')).toBe(0);
  });
});
