import { WebSocket } from 'ws';

/**
 * capnweb reads `WebSocket.CONNECTING` from the global WebSocket, which Node 20 lacks (Node 22
 * has one). Its Node guide hands it `ws` sockets, so `ws`'s class stands in for the global:
 * only its constants are read, and they are the standard ones.
 */
export function provideGlobalWebSocket(): void {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
}
