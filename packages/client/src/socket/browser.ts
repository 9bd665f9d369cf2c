import type { WebSocketConstructor } from './types.js';

/**
 * The browser's own WebSocket. Chosen by the `browser` import condition of `#socket`, so that
 * a browser bundle never contains `ws`; undefined in a runtime without a global WebSocket.
 */
export const DefaultWebSocket: WebSocketConstructor | undefined = globalThis.WebSocket;
