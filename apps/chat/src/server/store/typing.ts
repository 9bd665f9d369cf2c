/** Options for the typing tracker. */
export interface TypingOptions {
  /** How long a typing notice lasts without another, in ms. */
  timeoutMs: number;
  /** Told when `name` started or stopped typing in `room`. */
  onChange: (room: string, name: string, typing: boolean) => void;
}

/**
 * Who is typing where. Each notice lasts a few seconds unless renewed, so a client that
 * stops sending them (closed tab, lost network) stops showing as typing on its own.
 */
export class TypingTracker {
  private readonly rooms = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();

  constructor(private readonly options: TypingOptions) {}

  /** `name` is typing in `room`: starts or renews the notice. */
  touch(room: string, name: string): void {
    let typing = this.rooms.get(room);
    if (!typing) {
      typing = new Map();
      this.rooms.set(room, typing);
    }
    const previous = typing.get(name);
    if (previous !== undefined) clearTimeout(previous);
    const timer = setTimeout(() => this.clear(room, name), this.options.timeoutMs);
    timer.unref?.();
    typing.set(name, timer);
    if (previous === undefined) this.options.onChange(room, name, true);
  }

  /** `name` stopped typing in `room` (sent the message, left the room). */
  clear(room: string, name: string): void {
    const typing = this.rooms.get(room);
    const timer = typing?.get(name);
    if (!typing || timer === undefined) return;
    clearTimeout(timer);
    typing.delete(name);
    if (typing.size === 0) this.rooms.delete(room);
    this.options.onChange(room, name, false);
  }

  /** Names typing in `room`, in the order they started. */
  typing(room: string): string[] {
    return [...(this.rooms.get(room)?.keys() ?? [])];
  }

  /** Drops every notice and its timer. */
  close(): void {
    for (const typing of this.rooms.values()) for (const timer of typing.values()) clearTimeout(timer);
    this.rooms.clear();
  }
}
