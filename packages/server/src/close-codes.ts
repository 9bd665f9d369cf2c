import { CloseCode } from '@tether/core';

const wsErrorCloseCodes: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidData,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: CloseCode.PolicyViolation,
};

/**
 * The close code ws sent the client for one of its receive errors, or undefined for an error
 * that is not ws's (a reset socket). ws keeps that code private, and reports the connection's
 * own close as 1006 since the client's answer is never read; this is how a disconnect can say why.
 */
export function closeCodeForWsError(error: Error & { code?: unknown }): number | undefined {
  if (typeof error.code !== 'string' || !error.code.startsWith('WS_ERR_')) return undefined;
  return wsErrorCloseCodes[error.code] ?? CloseCode.ProtocolError;
}
