import { ChatErrorCode, ok, refuse, type Checked } from './errors.js';
import { Limits } from './limits.js';

// Letters and digits of any script, with inner spaces, dots, dashes and underscores.
const NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N} ._-]*[\p{L}\p{N}_])?$/u;
const ROOM = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]+$/;

const length = (text: string) => [...text].length;

/** A display name, trimmed: 1–24 letters or digits with inner spaces, `.`, `-` or `_`. */
export function checkName(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return refuse(ChatErrorCode.InvalidName, 'Pick a name to chat under.');
  const name = raw.trim();
  if (name === '') return refuse(ChatErrorCode.InvalidName, 'Pick a name to chat under.');
  if (length(name) > Limits.nameLength) {
    return refuse(ChatErrorCode.InvalidName, `Names are at most ${Limits.nameLength} characters.`);
  }
  if (!NAME.test(name)) {
    return refuse(
      ChatErrorCode.InvalidName,
      'Names use letters and digits, with spaces, dots, dashes or underscores between them.',
    );
  }
  return ok(name);
}

/** The key under which names collide: "Ada" and "ada" are the same person to a reader. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** A room name: 1–32 lowercase letters, digits and inner dashes (`general`, `design-review`). */
export function checkRoomName(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || raw === '') {
    return refuse(ChatErrorCode.InvalidRoomName, 'Give the room a name.');
  }
  if (raw.length > Limits.roomNameLength) {
    return refuse(ChatErrorCode.InvalidRoomName, `Room names are at most ${Limits.roomNameLength} characters.`);
  }
  if (!ROOM.test(raw)) {
    return refuse(
      ChatErrorCode.InvalidRoomName,
      'Room names use lowercase letters, digits and dashes (like "design-review").',
      { room: raw },
    );
  }
  return ok(raw);
}

/** A message's text: not blank, at most 2000 characters. Kept as typed, apart from trailing whitespace. */
export function checkMessageText(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return refuse(ChatErrorCode.EmptyMessage, 'Messages must be text.');
  const text = raw.trimEnd();
  if (text.trim() === '') return refuse(ChatErrorCode.EmptyMessage, 'Cannot send an empty message.');
  const size = length(text);
  if (size > Limits.messageLength) {
    return refuse(
      ChatErrorCode.MessageTooLong,
      `Message is too long: ${size} characters, the limit is ${Limits.messageLength}.`,
      { length: size, limit: Limits.messageLength },
    );
  }
  return ok(text);
}

/** The sender's id for a message: what makes a resent message recognisable. */
export function checkMessageId(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > Limits.messageIdLength || !MESSAGE_ID.test(raw)) {
    return refuse(ChatErrorCode.InvalidMessageId, 'Message ids are 1–64 letters, digits, dashes or underscores.');
  }
  return ok(raw);
}
