import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RoomEvent } from '../../shared/api.js';
import { messageKey, RoomFeed } from './room-feed.js';

const message = (eventId: number, from: string, id: string, text: string): HistoryEntry => ({
  eventId,
  event: { kind: 'message', id, room: 'general', from, text, at: eventId * 1000 },
});
const joined = (eventId: number, name: string): HistoryEntry => ({
  eventId,
  event: { kind: 'joined', room: 'general', name, at: eventId * 1000 } satisfies RoomEvent,
});

describe('room feed', () => {
  it('applies each event once, in event id order, whatever way it arrives', () => {
    const feed = new RoomFeed('general', 'Ada', () => undefined);
    feed.load([joined(1, 'Bob'), message(3, 'Bob', 'b2', 'second'), message(2, 'Bob', 'b1', 'first')]);
    feed.load([message(2, 'Bob', 'b1', 'first'), joined(1, 'Bob')]);
    expect(feed.list().map((l) => [l.eventId, l.kind, l.text])).toEqual([
      [1, 'joined', ''],
      [2, 'message', 'first'],
      [3, 'message', 'second'],
    ]);
  });

  it('turns our pending message into the posted one, not a second copy', () => {
    const feed = new RoomFeed('general', 'Ada', () => undefined);
    feed.load([message(1, 'Bob', 'b1', 'hi')]);
    feed.addPending(messageKey('Ada', 'a1'), 'hello ', 'queued');
    feed.addPending(messageKey('Ada', 'a2'), 'still waiting', 'sending');
    expect(feed.list().map((l) => l.text)).toEqual(['hi', 'hello ', 'still waiting']);
    feed.load([message(2, 'Ada', 'a1', 'hello')]);
    expect(feed.list().map((l) => [l.eventId, l.text, l.state, l.own])).toEqual([
      [1, 'hi', 'sent', false],
      [2, 'hello', 'sent', true],
      [undefined, 'still waiting', 'sending', true],
    ]);
  });

  it('tells the same id from different senders apart', () => {
    const feed = new RoomFeed('general', 'Ada', () => undefined);
    feed.load([message(1, 'Bob', 'same', 'from Bob'), message(2, 'Cy', 'same', 'from Cy')]);
    expect(feed.list()).toHaveLength(2);
  });
});
