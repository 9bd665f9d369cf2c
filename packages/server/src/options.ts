import type { Server as HttpServer } from 'node:http';
import { resolveSharedSettings, type SharedOptions, type SharedSettings } from './acceptor/settings.js';
import type { HandshakeRequest } from './handshake/request.js';
import type { Compression } from './transport/frame.js';
import type { BackpressurePolicy } from './transport/backpressure.js';

export type { Authenticate } from './acceptor/settings.js';

/** The server runs its own HTTP server, on a port. */
export interface ListenOptions {
  /** The TCP port; 0 picks a free one (read it back from `server.port`). */
  port: number;
  /**
   * The interface to listen on. Default '127.0.0.1': a server is reachable from other machines
   * only when asked to be ('0.0.0.0' or '::'), as it usually sits behind a proxy in production.
   */
  host?: string;
  /** Not with `port`: pass one or the other. */
  server?: never;
}

/** The server takes WebSocket upgrades on an existing HTTP server, beside whatever else it serves. */
export interface AttachOptions {
  /** The HTTP(S) server whose upgrades on `path` become connections; other paths are left untouched. */
  server: HttpServer;
  /** Not with `server`: the HTTP server already listens where it does. */
  port?: never;
  /** Not with `server`. */
  host?: never;
}

/** Options shared by both ways of running a server on Node: every runtime's options, and the heartbeat. */
export interface CommonOptions<Ctx> extends SharedOptions<Ctx, HandshakeRequest> {
  /**
   * The only path upgraded, e.g. '/rpc'. Upgrades for other paths are answered 404 on the
   * server's own HTTP server; attached to yours, they are left to its other 'upgrade' listeners
   * (see `unclaimedUpgradeTimeout`), or answered 404 at once when there are none. Default: every path.
   */
  path?: string;
  /**
   * Attached with a `path`, beside other 'upgrade' listeners: milliseconds they get to take an
   * upgrade for another path (write to its socket, read from it, or end it) before it is
   * answered 404 and closed, so that an upgrade nobody serves does not hold a socket open.
   * Raise it if one of your listeners decides slowly. Default 1000.
   */
  unclaimedUpgradeTimeout?: number;
  /**
   * Bytes queued for a connection's socket beyond which its reader counts as slow: the server
   * stops reading from it, and holds the messages it had already read, unrun, until the queue
   * drains. Results of calls already running are queued up to twice this; past it, under 'drop',
   * each is answered -32002 instead, so a connection's queue stays within twice this and one
   * answer: see docs/protocol.md. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * For a slow reader: pushes are always dropped (and counted in `stats.dropped`); responses
   * and calls still go under 'drop' (results only up to twice `maxBufferedBytes` queued, then
   * -32002 in their place), and close the connection with 1013 under 'close', after which
   * nothing more the client sends is run. Default 'drop'.
   */
  backpressure?: BackpressurePolicy;
  /**
   * Milliseconds between pings; a connection whose last ping got no pong by the next is terminated.
   * A client that reads too slowly to get through its queue within an interval counts as dead too,
   * as its ping waits behind the unread data. 0 disables. Default 30000.
   */
  heartbeatInterval?: number;
  /**
   * Compression (permessage-deflate, RFC 7692) for clients that offer it: `true`, or when to
   * compress and how hard. Messages are compressed with no context between them
   * (`server_no_context_takeover`), so a topic's event is compressed once for all its
   * subscribers rather than once per socket. It costs CPU per large response and zlib memory
   * per connection that gets one. Default false.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
}

/** When and how hard the server compresses (see `perMessageDeflate`). */
export interface PerMessageDeflateOptions {
  /** Smallest message in bytes that is compressed; smaller ones go as they are. Default 1024. */
  threshold?: number;
  /** zlib level, 1 (fastest) to 9 (smallest). Default 6. */
  level?: number;
}

/** Options for `createServer`: a port to listen on, or an HTTP server to attach to, plus the common options. */
export type ServerOptions<Ctx> = CommonOptions<Ctx> & (ListenOptions | AttachOptions);

/** The options with every default filled in. */
export interface Settings<Ctx> extends SharedSettings<Ctx, HandshakeRequest> {
  readonly unclaimedUpgradeTimeout: number;
  readonly heartbeatInterval: number;
  /** How messages are compressed; undefined when `perMessageDeflate` is off. */
  readonly compression: Compression | undefined;
}

export function resolveSettings<Ctx>(options: CommonOptions<Ctx>): Settings<Ctx> {
  return {
    ...resolveSharedSettings(options),
    unclaimedUpgradeTimeout: options.unclaimedUpgradeTimeout ?? 1000,
    heartbeatInterval: options.heartbeatInterval ?? 30_000,
    compression: resolveCompression(options.perMessageDeflate),
  };
}

function resolveCompression(option: boolean | PerMessageDeflateOptions | undefined): Compression | undefined {
  if (!option) return undefined;
  const { threshold = 1024, level = 6 } = option === true ? {} : option;
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new RangeError(`tether: perMessageDeflate.level must be an integer from 1 to 9, not ${level}`);
  }
  if (!(threshold >= 0))
    throw new RangeError(`tether: perMessageDeflate.threshold must be 0 or more, not ${threshold}`);
  return { threshold, level };
}
