import type { EventMeta, TopicEvent } from '@tether/server';

/** A stream entry as ioredis returns it: the entry id and its flat field/value list. */
export type RawEntry = [id: string, fields: string[]];

/** The field holding an event's JSON; empty for `undefined` data, which JSON cannot carry. */
export const DATA_FIELD = 'd';

/** The field holding the epoch the event was published in. */
export const EPOCH_FIELD = 'e';

/** The field holding the event's meta as JSON (see EventMeta); absent when it has none. */
export const META_FIELD = 'm';

/** The stream id of event `id`: explicit ids keep the stream's order the topic's id order. */
export function streamId(id: number): string {
  return `${id}-0`;
}

/** The event id of a stream entry id (`57-0` is event 57). */
export function eventId(entryId: string): number {
  return Number.parseInt(entryId, 10);
}

/** An event's data as stored in its entry. */
export function encodeData(data: unknown): string {
  return JSON.stringify(data) ?? '';
}

/** An event's meta as stored in its entry; empty for none, which the publish script then leaves out. */
export function encodeMeta(meta: EventMeta | undefined): string {
  return meta ? JSON.stringify(meta) : '';
}

/** The meta of an entry; a field that is not a JSON object of strings is dropped, not trusted. */
function decodeMeta(text: string | undefined): EventMeta | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return Object.values(value).every((v) => typeof v === 'string') ? (value as EventMeta) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The event a stream entry holds, or undefined for an entry this package did not write (its
 * data is not JSON): skipping it leaves a hole in the ids, which subscribers see as a gap. An
 * entry written before epochs existed has the empty epoch, which no topic has.
 */
export function toEvent(topic: string, [entryId, fields]: RawEntry): TopicEvent | undefined {
  let text: string | undefined;
  let epoch = '';
  let metaText: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === DATA_FIELD) text = fields[i + 1]!;
    else if (fields[i] === EPOCH_FIELD) epoch = fields[i + 1]!;
    else if (fields[i] === META_FIELD) metaText = fields[i + 1]!;
  }
  if (text === undefined) return undefined;
  const id = eventId(entryId);
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
  const meta = decodeMeta(metaText);
  return meta ? { topic, id, epoch, data, meta } : { topic, id, epoch, data };
}
