import type { EventStream, StreamSink } from '@tether/core';
import { ChatErrorCode, ok, refuse, type Checked } from '../../shared/errors.js';

/** The topic on which each new room is announced; its history is the list of rooms made. */
export const ROOMS_TOPIC = 'chat.rooms';

/** What the catalog needs from the server: the rooms topic, as a stream and to publish on. */
export interface CatalogHost {
  topic(name: string): EventStream;
  publish(topic: string, data: unknown): Promise<number>;
}

/**
 * Which rooms exist, the same on every process sharing a broker: the default rooms, and every
 * room announced on the rooms topic, replayed from its history at start (the broker keeps
 * more events than the room limit, so none is trimmed away). Two processes making the same
 * room at once both announce it; the second announcement changes nothing.
 */
export class RoomCatalog {
  private readonly names: Set<string>;
  private stream: EventStream | undefined;
  private closed = false;

  constructor(
    private readonly host: CatalogHost,
    defaults: readonly string[],
    private readonly maxRooms: number,
    /** Told when a room was added. */
    private readonly changed: () => void,
  ) {
    this.names = new Set(defaults);
  }

  /** Replays the rooms made so far and follows new ones; rejects when the broker cannot be reached, to be called again. */
  async start(): Promise<void> {
    if (this.stream) return;
    const stream = this.host.topic(ROOMS_TOPIC);
    const sink: StreamSink = {
      next: (data) => this.add((data as { room?: unknown } | null)?.room),
      gap: () => undefined,
      error: () => undefined,
      done: () => undefined,
    };
    try {
      await stream.open(sink, 0);
    } catch (error) {
      await stream.close();
      throw error;
    }
    if (this.closed) return void (await stream.close());
    this.stream = stream;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Every room, sorted by name. */
  list(): string[] {
    return [...this.names].sort((a, b) => a.localeCompare(b));
  }

  /** Makes a room (name already checked) unless it exists or there are too many. */
  async create(name: string): Promise<Checked<string>> {
    if (this.names.has(name)) return ok(name);
    if (this.names.size >= this.maxRooms) {
      return refuse(ChatErrorCode.TooManyRooms, `There are already ${this.maxRooms} rooms; join one of them.`);
    }
    await this.host.publish(ROOMS_TOPIC, { room: name });
    this.add(name);
    return ok(name);
  }

  close(): void {
    this.closed = true;
    void this.stream?.close();
  }

  private add(name: unknown): void {
    if (typeof name !== 'string' || this.names.has(name)) return;
    this.names.add(name);
    this.changed();
  }
}
