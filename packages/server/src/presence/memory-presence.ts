import type { PresenceChange, PresenceEntry, PresenceStore } from './presence-store.js';

interface Held {
  meta: unknown;
  /** JSON of `meta`, to tell an update from a repeat. */
  json: string;
  readonly holders: Set<string>;
}

/**
 * The embedded default presence store: topics in this process's memory. Nothing expires, as
 * its holders live and die with the process; servers sharing one instance share presence.
 */
export class MemoryPresence implements PresenceStore {
  private readonly topics = new Map<string, Map<string, Held>>();

  async track(topic: string, key: string, holder: string, meta: unknown): Promise<PresenceChange | undefined> {
    let keys = this.topics.get(topic);
    if (!keys) {
      keys = new Map();
      this.topics.set(topic, keys);
    }
    const json = JSON.stringify(meta) ?? 'null';
    const held = keys.get(key);
    if (!held) {
      keys.set(key, { meta, json, holders: new Set([holder]) });
      return { kind: 'join', key, meta };
    }
    held.holders.add(holder);
    if (held.json === json) return undefined;
    held.meta = meta;
    held.json = json;
    return { kind: 'update', key, meta };
  }

  async untrack(topic: string, key: string, holder: string): Promise<PresenceChange | undefined> {
    const keys = this.topics.get(topic);
    const held = keys?.get(key);
    if (!keys || !held?.holders.delete(holder) || held.holders.size > 0) return undefined;
    keys.delete(key);
    if (keys.size === 0) this.topics.delete(topic);
    return { kind: 'leave', key, meta: held.meta };
  }

  async list(topic: string): Promise<PresenceEntry[]> {
    return [...(this.topics.get(topic) ?? [])].map(([key, held]) => ({ key, meta: held.meta }));
  }

  onChange(): void {
    // Nothing here changes by itself.
  }

  /** Topics with at least one key: lets tests assert that nothing is left behind. */
  get size(): number {
    return this.topics.size;
  }

  /** Forgets every topic. */
  async close(): Promise<void> {
    this.topics.clear();
  }
}
