import { ChatErrorCode, ok, refuse, type Checked } from '../../shared/errors.js';
import { nameKey } from '../../shared/validation.js';

/** One signed-in person: the secret token their calls carry, their name and rooms, and their open connections. */
export interface Session {
  readonly id: string;
  readonly name: string;
  readonly rooms: Set<string>;
  /** The connections bound to the session now; none means the person is away. */
  readonly connections: Set<object>;
}

/** Options for the session registry. */
export interface SessionsOptions {
  /** How long a session with no open connection keeps its name and rooms, in ms. */
  graceMs: number;
  /** Makes session tokens. */
  newId: () => string;
  /** Told when a session ran out of grace and was removed (after it left the registry). */
  onExpire: (session: Session) => void;
}

/**
 * Who is signed in. Names are unique (case-insensitively) among live sessions. A session
 * outlives its connections by a grace period, so that a reconnect — or a restart of the
 * WebSocket server — finds the person where they were.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly byName = new Map<string, Session>();
  private readonly timers = new Map<Session, ReturnType<typeof setTimeout>>();

  constructor(private readonly options: SessionsOptions) {}

  get(id: unknown): Session | undefined {
    return typeof id === 'string' ? this.byId.get(id) : undefined;
  }

  /** A session for `name` (already checked); refused while someone else holds the name. */
  start(name: string): Checked<Session> {
    if (this.byName.has(nameKey(name))) {
      return refuse(ChatErrorCode.NameTaken, `The name "${name}" is taken. Pick another one.`, { name });
    }
    const session: Session = { id: this.options.newId(), name, rooms: new Set(), connections: new Set() };
    this.byId.set(session.id, session);
    this.byName.set(nameKey(name), session);
    // Until a connection binds to it, a session is as good as abandoned.
    this.startGrace(session);
    return ok(session);
  }

  /** Binds a connection to a session; the person is online while one is bound. */
  connect(session: Session, connection: object): void {
    if (session.connections.has(connection) || !this.byId.has(session.id)) return;
    session.connections.add(connection);
    this.cancelGrace(session);
  }

  /** Unbinds a connection; with the last one gone the person is away until the grace period ends. */
  disconnect(session: Session, connection: object): void {
    if (!session.connections.delete(connection) || session.connections.size > 0) return;
    if (!this.byId.has(session.id)) return;
    this.startGrace(session);
  }

  /** Removes a session at once (sign out); returns whether it existed. */
  end(session: Session): boolean {
    return this.remove(session);
  }

  /** Every live session, for a new server to take over. */
  all(): Session[] {
    return [...this.byId.values()];
  }

  /** Stops every grace timer, so that a closed store holds no timer open. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private startGrace(session: Session): void {
    this.cancelGrace(session);
    const timer = setTimeout(() => {
      this.timers.delete(session);
      if (!this.remove(session)) return;
      this.options.onExpire(session);
    }, this.options.graceMs);
    timer.unref?.();
    this.timers.set(session, timer);
  }

  private cancelGrace(session: Session): void {
    const timer = this.timers.get(session);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(session);
  }

  private remove(session: Session): boolean {
    if (this.byId.get(session.id) !== session) return false;
    this.cancelGrace(session);
    this.byId.delete(session.id);
    this.byName.delete(nameKey(session.name));
    return true;
  }
}
