import type { HistoryEntry, JoinResult, RoomSummary } from '../../shared/api.js';
import { ChatErrorCode, ok, refuse, type Checked } from '../../shared/errors.js';

/** One room: who is in it (by session id) and its recent events. */
interface Room {
  readonly name: string;
  readonly members: Set<string>;
  /** The newest events, in event id order. */
  readonly history: HistoryEntry[];
}

/** Options for the room registry. */
export interface RoomsOptions {
  /** Rooms that exist from the start. */
  defaults: readonly string[];
  /** Rooms that may exist at once. */
  maxRooms: number;
  /** Recent events kept per room. */
  historySize: number;
  /** Told when the room list or a member count changed. */
  onChange: () => void;
}

/**
 * The rooms, their members and their recent history. History entries carry the topic's
 * event ids, so that a join can answer "these events, then subscribe after this id" and the
 * subscriber sees each event exactly once.
 */
export class Rooms {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly options: RoomsOptions) {
    for (const name of options.defaults) this.rooms.set(name, newRoom(name));
  }

  has(name: string): boolean {
    return this.rooms.has(name);
  }

  /** Makes a room (name already checked) unless it exists or there are too many. */
  create(name: string): Checked<string> {
    if (this.rooms.has(name)) return ok(name);
    if (this.rooms.size >= this.options.maxRooms) {
      return refuse(ChatErrorCode.TooManyRooms, `There are already ${this.options.maxRooms} rooms; join one of them.`);
    }
    this.rooms.set(name, newRoom(name));
    this.options.onChange();
    return ok(name);
  }

  /** Adds a member; refused for a room that does not exist. Returns whether they were new to it. */
  addMember(name: string, sessionId: string): Checked<boolean> {
    const room = this.rooms.get(name);
    if (!room) return unknownRoom(name);
    if (room.members.has(sessionId)) return ok(false);
    room.members.add(sessionId);
    this.options.onChange();
    return ok(true);
  }

  /** Removes a member; returns whether they were in the room. */
  removeMember(name: string, sessionId: string): boolean {
    const room = this.rooms.get(name);
    if (!room?.members.delete(sessionId)) return false;
    this.options.onChange();
    return true;
  }

  isMember(name: string, sessionId: string): boolean {
    return this.rooms.get(name)?.members.has(sessionId) ?? false;
  }

  /** Keeps an event published on the room's topic, in id order, within the history size. */
  record(name: string, entry: HistoryEntry): void {
    const room = this.rooms.get(name);
    if (!room) return;
    const { history } = room;
    let at = history.length;
    // Publishes settle in id order almost always; the walk back covers the rare overtake.
    while (at > 0 && (history[at - 1] as HistoryEntry).eventId > entry.eventId) at--;
    if (history[at - 1]?.eventId === entry.eventId) return;
    history.splice(at, 0, entry);
    if (history.length > this.options.historySize) history.splice(0, history.length - this.options.historySize);
  }

  /**
   * The room's recent events and the id to subscribe after. The history stops at the first hole
   * in the ids (an event published but not yet recorded): the subscription then replays from
   * there, so an event is never skipped and never seen twice.
   */
  recent(name: string): Checked<JoinResult> {
    const room = this.rooms.get(name);
    if (!room) return unknownRoom(name);
    const { history } = room;
    let end = 0;
    while (end + 1 < history.length && (history[end + 1] as HistoryEntry).eventId === (history[end] as HistoryEntry).eventId + 1) {
      end++;
    }
    const contiguous = history.length === 0 ? [] : history.slice(0, end + 1);
    return ok({ room: name, history: contiguous, lastEventId: contiguous.at(-1)?.eventId ?? 0 });
  }

  /** The room list with member counts, sorted by name. */
  list(): RoomSummary[] {
    return [...this.rooms.values()]
      .map((room) => ({ name: room.name, members: room.members.size }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

function newRoom(name: string): Room {
  return { name, members: new Set(), history: [] };
}

function unknownRoom<T>(name: string): Checked<T> {
  return refuse(ChatErrorCode.UnknownRoom, `There is no room called "${name}".`, { room: name });
}
