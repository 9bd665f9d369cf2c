/** Limits the server enforces and the UI shows; one place, so both sides say the same. */
export const Limits = {
  /** Longest display name, in characters. */
  nameLength: 24,
  /** Longest room name, in characters. */
  roomNameLength: 32,
  /** Longest message, in characters (code points). */
  messageLength: 2000,
  /** Longest client message id. */
  messageIdLength: 64,
  /** Rooms that may exist at once. */
  rooms: 50,
  /** Recent events a room keeps and a join answers. */
  history: 100,
} as const;
