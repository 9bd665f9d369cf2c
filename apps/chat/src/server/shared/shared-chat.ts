import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Presence, PresenceConnection, Tracking } from '@tether/server';
import type { PresenceEntry, RoomSummary, ServerStatus } from '../../shared/api.js';
import { Limits } from '../../shared/limits.js';
import { nameKey } from '../../shared/validation.js';
import type { Session } from '../store/sessions.js';
import { LiveList } from './live-list.js';
import { RoomCatalog, type CatalogHost } from './room-catalog.js';

/** What the shared chat state needs from the server: presence topics, and the rooms topic. */
export interface SharedHost extends CatalogHost {
  presence(topic: string): Presence;
}

/** What the shared state tells the subscriptions that show it. */
export interface SharedEvents {
  rooms: [];
  presence: [];
  typing: [];
  status: [];
}

/** The chat's presence topics: a name held per session, one per open connection, one per room membership and typist. */
const Topics = { names: 'chat.names', people: 'chat.people', members: 'chat.members', typing: 'chat.typing' } as const;

interface Named {
  name: string;
}
/** A name's hold: who holds it, as a hash of their session token (the token itself is a secret). */
interface Owned extends Named {
  owner: string;
}

/** What a name's hold records of its session: enough to recognise the token, nothing to forge it from. */
const ownerOf = (token: string): string => createHash('sha256').update(token).digest('base64url');
interface InRoom extends Named {
  room: string;
}

/** What one session holds: its name, and its room memberships. */
interface Holds {
  name: Tracking | undefined;
  readonly rooms: Map<string, Tracking>;
}

/**
 * The part of the chat every process sharing a broker and a presence store sees alike: who
 * holds which name, who is online (a connection open somewhere), who is in which room, who is
 * typing where, and which rooms exist. Sessions stay in their process; what they hold is
 * shared, so a process that dies takes its people offline everywhere within the store's ttl.
 */
export class SharedChat extends EventEmitter<SharedEvents> {
  readonly catalog: RoomCatalog;
  /** Whether the shared state can be reached now: set by whoever watches the backends. */
  status: ServerStatus;
  private readonly names: LiveList<Owned>;
  private readonly people: LiveList<Named>;
  private readonly members: LiveList<InRoom>;
  private readonly typists: LiveList<InRoom>;
  private readonly holds = new WeakMap<Session, Holds>();
  /** Each connection's hold on its person's online entry, in call order per connection. */
  private readonly online = new WeakMap<
    object,
    { session: Session | undefined; done: Promise<Tracking | undefined> }
  >();
  private readonly typing = new Map<string, Promise<Tracking | undefined>>();

  constructor(
    private readonly host: SharedHost,
    defaultRooms: readonly string[],
    sharedThrough: string | null,
  ) {
    super();
    this.status = { sharedThrough, ok: true };
    this.catalog = new RoomCatalog(host, defaultRooms, Limits.rooms, () => this.emit('rooms'));
    this.names = new LiveList(host.presence(Topics.names), () => this.emit('presence'));
    this.people = new LiveList(host.presence(Topics.people), () => this.emit('presence'));
    this.members = new LiveList(host.presence(Topics.members), () => this.emit('rooms'));
    this.typists = new LiveList(host.presence(Topics.typing), () => this.emit('typing'));
  }

  async start(): Promise<void> {
    await Promise.all([this.catalog.start(), ...this.lists().map((list) => list.start())]);
  }

  setOk(ok: boolean): void {
    if (ok === this.status.ok) return;
    this.status = { ...this.status, ok };
    this.emit('status');
  }

  /** Reads every list again: after the shared store came back, what was announced meanwhile may be lost. */
  refresh(): void {
    for (const list of this.lists()) void list.refresh();
  }

  /**
   * Takes the session's name on every process; false when someone holds it already. The
   * store decides a race between processes: exactly one of them is the first holder. A page
   * whose session a restart lost names it as `previous`, and takes over the name that session
   * held (the dead process's hold expires on its own, with no leave, as the name is held).
   */
  async claim(session: Session, previous: string | undefined): Promise<boolean> {
    const key = nameKey(session.name);
    const names = this.host.presence(Topics.names);
    const held = (await names.list()).find((entry) => entry.key === key) as { meta: Owned } | undefined;
    const takeover = held !== undefined && previous !== undefined && held.meta.owner === ownerOf(previous);
    if (held && !takeover) return false;
    const tracking = await names.track(key, { name: session.name, owner: ownerOf(session.id) });
    if (!tracking.joined && !takeover) {
      await tracking.untrack();
      return false;
    }
    this.holdsOf(session).name = tracking;
    return true;
  }

  /** Takes a session back after this process's server restarted: its name and rooms again. */
  async restore(session: Session): Promise<void> {
    const holds = this.holdsOf(session);
    const meta: Owned = { name: session.name, owner: ownerOf(session.id) };
    holds.name ??= await this.host.presence(Topics.names).track(nameKey(session.name), meta);
    await Promise.all([...session.rooms].map((room) => this.enter(session, room)));
  }

  /** Counts the session as a member of `room` everywhere. */
  async enter(session: Session, room: string): Promise<void> {
    const holds = this.holdsOf(session);
    if (holds.rooms.has(room)) return;
    const key = `${room}\n${nameKey(session.name)}`;
    const tracking = await this.host.presence(Topics.members).track(key, { room, name: session.name });
    if (holds.rooms.has(room) || !session.rooms.has(room)) await tracking.untrack();
    else holds.rooms.set(room, tracking);
  }

  async exit(session: Session, room: string): Promise<void> {
    const holds = this.holds.get(session);
    const tracking = holds?.rooms.get(room);
    holds?.rooms.delete(room);
    await tracking?.untrack();
  }

  /** Lets go of everything a session held (signed out or expired). */
  async release(session: Session): Promise<void> {
    const holds = this.holds.get(session);
    if (!holds) return;
    this.holds.delete(session);
    await Promise.all([holds.name?.untrack(), ...[...holds.rooms.values()].map((t) => t.untrack())]);
  }

  /** `connection` now speaks for `session` (or for nobody): the person is online while one does. */
  bind(connection: PresenceConnection & object, session: Session | undefined): void {
    const previous = this.online.get(connection);
    if (previous?.session === session) return;
    const done = (async () => {
      await (await previous?.done.catch(() => undefined))?.untrack();
      if (!session) return undefined;
      return this.host.presence(Topics.people).track(nameKey(session.name), { name: session.name }, { connection });
    })();
    done.catch(() => undefined);
    this.online.set(connection, { session, done });
  }

  /** `name` started or stopped typing in `room`. */
  setTyping(room: string, name: string, typing: boolean): void {
    const key = `${room}\n${nameKey(name)}`;
    const previous = this.typing.get(key);
    if (typing === (previous !== undefined)) return;
    if (typing) {
      const tracking = this.host.presence(Topics.typing).track(key, { room, name });
      tracking.catch(() => this.typing.delete(key));
      this.typing.set(key, tracking);
    } else {
      this.typing.delete(key);
      void previous?.then((t) => t?.untrack()).catch(() => undefined);
    }
  }

  /** The room list with member counts, sorted by name. */
  rooms(): RoomSummary[] {
    const counts = new Map<string, number>();
    for (const { meta } of this.members.entries) counts.set(meta.room, (counts.get(meta.room) ?? 0) + 1);
    return this.catalog.list().map((name) => ({ name, members: counts.get(name) ?? 0 }));
  }

  /** Everyone signed in on any process, sorted by name: online while a connection is open somewhere. */
  presence(): PresenceEntry[] {
    const online = new Set(this.people.entries.map((entry) => entry.key));
    return this.names.entries
      .map(({ key, meta }): PresenceEntry => ({ name: meta.name, status: online.has(key) ? 'online' : 'away' }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Names typing in `room`, sorted. */
  typingIn(room: string): string[] {
    return this.typists.entries
      .filter(({ meta }) => meta.room === room)
      .map(({ meta }) => meta.name)
      .sort((a, b) => a.localeCompare(b));
  }

  close(): void {
    this.catalog.close();
    for (const list of this.lists()) list.close();
  }

  private lists(): Array<LiveList<unknown>> {
    return [this.names, this.people, this.members, this.typists];
  }

  private holdsOf(session: Session): Holds {
    let holds = this.holds.get(session);
    if (!holds) {
      holds = { name: undefined, rooms: new Map() };
      this.holds.set(session, holds);
    }
    return holds;
  }
}
