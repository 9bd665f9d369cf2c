import type { WebSocketConstructor } from './types.js';

/**
 * The runtime's own WebSocket: the browser's, Bun's, Deno's or workerd's. Chosen by the
 * `browser`, `bun`, `deno` and `workerd` import conditions of `#socket`, so that `ws` is never
 * loaded (nor bundled) where the runtime has a standard WebSocket; undefined in a runtime without one.
 */
export const DefaultWebSocket: WebSocketConstructor | undefined = globalThis.WebSocket;
