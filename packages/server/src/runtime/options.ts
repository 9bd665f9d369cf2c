import type { SharedOptions, SharedSettings } from '../acceptor/settings.js';
import type { HandshakeRequest } from '../handshake/request.js';

/** The handshake of a fetch-style runtime (Bun, Deno, Workers): the raw request is the fetch `Request`. */
export type FetchHandshake = HandshakeRequest<Request>;

/**
 * Options of a server on Bun, Deno or Workers: the same options, with the same defaults, as
 * Node's `createServer`, less what the runtime does itself (see each adapter's README).
 */
export type RuntimeServerOptions<Ctx> = SharedOptions<Ctx, FetchHandshake>;

/** The options with every default filled in. */
export type RuntimeSettings<Ctx> = SharedSettings<Ctx, FetchHandshake>;
