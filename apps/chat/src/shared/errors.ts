import { RpcError } from '@tether/core';

/**
 * The chat's own error codes, outside JSON-RPC's reserved range (-32768 to -32000), so that
 * the UI can tell a refused message from a transport failure and show the server's words.
 */
export const ChatErrorCode = {
  InvalidName: 1001,
  NameTaken: 1002,
  InvalidRoomName: 1003,
  UnknownRoom: 1004,
  NotInRoom: 1005,
  EmptyMessage: 1006,
  MessageTooLong: 1007,
  SessionExpired: 1008,
  TooManyRooms: 1009,
  InvalidMessageId: 1010,
} as const;

/** One of the chat's codes. */
export type ChatErrorCodeValue = (typeof ChatErrorCode)[keyof typeof ChatErrorCode];

/** Whether a code is one of the chat's own: a refusal the user can act on, not a network failure. */
export function isChatErrorCode(code: number): code is ChatErrorCodeValue {
  return code >= 1001 && code <= 1010;
}

/** An outcome that is either a value or the RpcError to answer with: errors stay values until the handler. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/** A successful outcome. */
export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

/** A refused outcome, with the chat code and a message meant for the person using the UI. */
export const refuse = <T = never>(code: ChatErrorCodeValue, message: string, data?: unknown): Checked<T> => ({
  ok: false,
  error: new RpcError(code, message, data),
});
