import type { Schedule } from './reconnect/schedule.js';

/** How the client notices a link that silently stopped delivering. */
export interface HeartbeatOptions {
  /** Milliseconds between checks; a check that finds nothing received since the last one sends `$/ping`. Default 15000. */
  interval?: number;
  /** Milliseconds after a `$/ping` within which anything at all must arrive, or the socket is dropped. Default 10000. */
  timeout?: number;
}

/** What a heartbeat watches: how many messages its socket has delivered so far. */
export interface MessageCount {
  readonly received: number;
}

/** What a heartbeat does: send `$/ping`, and give up on the socket. */
export interface HeartbeatActions {
  ping(): void;
  /** Nothing arrived within `timeout` ms of the ping. */
  dead(timeout: number): void;
}

/**
 * Watches one open socket for a half-open link (the network stopped delivering, no close
 * arrives) and returns the function that stops it. A browser cannot see WebSocket pings, so
 * the check is a JSON-RPC request every peer answers. Incoming traffic only bumps a counter:
 * one timer, re-armed once per interval, compares it with the last check, and a ping goes out
 * only when the link has been quiet. A dead link is noticed within 2 × interval + timeout.
 * A closure rather than a class: private field names survive minification, and this ships to browsers.
 */
export function startHeartbeat(
  count: MessageCount,
  { interval = 15_000, timeout = 10_000 }: HeartbeatOptions = {},
  schedule: Schedule,
  actions: HeartbeatActions,
): () => void {
  let seen = count.received;
  let pinged = false;
  const check = () => {
    if (count.received !== seen) {
      seen = count.received;
      pinged = false;
      cancel = schedule(check, interval);
    } else if (pinged) {
      actions.dead(timeout);
    } else {
      pinged = true;
      actions.ping();
      cancel = schedule(check, timeout);
    }
  };
  let cancel = schedule(check, interval);
  return () => cancel();
}
