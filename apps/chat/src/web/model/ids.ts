/**
 * A random id for a message, made by its sender: it is what lets the server recognise a resend.
 * getRandomValues, unlike randomUUID, works on plain http pages opened by LAN address too.
 */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
