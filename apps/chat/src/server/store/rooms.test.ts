import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/api.js';
import { ChatErrorCode } from '../../shared/errors.js';
import { Rooms } from './rooms.js';

function setup(historySize = 5, maxRooms = 4) {
  const changes = { count: 0 };
  const rooms = new Rooms({ defaults: ['general', 'random'], maxRooms, historySize, onChange: () => changes.count++ });
  return { rooms, changes };
}

const entry = (eventId: number): HistoryEntry => ({
  eventId,
  event: { kind: 'message', id: `m${eventId}`, room: 'general', from: 'Ada', text: `#${eventId}`, at: eventId },
});

const ids = (result: ReturnType<Rooms['recent']>) => (result.ok ? result.value.history.map((e) => e.eventId) : []);

describe('rooms', () => {
  it('lists rooms with member counts, and tells of each change', () => {
    const { rooms, changes } = setup();
    expect(rooms.list()).toEqual([
      { name: 'general', members: 0 },
      { name: 'random', members: 0 },
    ]);
    expect(rooms.addMember('general', 's1')).toEqual({ ok: true, value: true });
    expect(rooms.addMember('general', 's1')).toEqual({ ok: true, value: false });
    rooms.addMember('general', 's2');
    expect(rooms.create('design').ok).toBe(true);
    expect(rooms.list()).toEqual([
      { name: 'design', members: 0 },
      { name: 'general', members: 2 },
      { name: 'random', members: 0 },
    ]);
    expect(changes.count).toBe(3);
    expect(rooms.removeMember('general', 's1')).toBe(true);
    expect(rooms.removeMember('general', 's1')).toBe(false);
    expect(changes.count).toBe(4);
  });

  it('refuses members for unknown rooms and rooms beyond the limit', () => {
    const { rooms } = setup(5, 3);
    const unknown = rooms.addMember('nowhere', 's1');
    expect(unknown.ok ? undefined : unknown.error.code).toBe(ChatErrorCode.UnknownRoom);
    expect(rooms.create('third').ok).toBe(true);
    const fourth = rooms.create('fourth');
    expect(fourth.ok ? undefined : fourth.error.code).toBe(ChatErrorCode.TooManyRooms);
    expect(rooms.create('third').ok).toBe(true); // existing: not a new room
  });

  it('keeps the newest events in id order, once each', () => {
    const { rooms } = setup(5);
    for (const id of [1, 2, 4, 3, 5, 5, 6, 7]) rooms.record('general', entry(id));
    const recent = rooms.recent('general');
    expect(ids(recent)).toEqual([3, 4, 5, 6, 7]);
    expect(recent.ok && recent.value.lastEventId).toBe(7);
  });

  it('stops the history at a hole in the ids, so the subscription replays from there', () => {
    const { rooms } = setup(10);
    for (const id of [1, 2, 3, 5]) rooms.record('general', entry(id));
    const recent = rooms.recent('general');
    expect(ids(recent)).toEqual([1, 2, 3]);
    expect(recent.ok && recent.value.lastEventId).toBe(3);
    rooms.record('general', entry(4));
    expect(ids(rooms.recent('general'))).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers an empty history with id 0 for a room nothing was said in', () => {
    const { rooms } = setup();
    expect(rooms.recent('random')).toEqual({ ok: true, value: { room: 'random', history: [], lastEventId: 0 } });
  });
});
