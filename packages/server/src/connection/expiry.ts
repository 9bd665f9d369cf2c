import { CloseCode, CREDENTIALS_EXPIRED_METHOD, type CallerPeer } from '@tether/core';

/**
 * The connections told that their credentials expired, each with the timer that closes it
 * (4001) unless a re-authentication renews it first. It owns those timers: `forget` ends one
 * when its connection closes, `clear` all of them on shutdown.
 */
export class CredentialExpiry {
  private readonly timers = new Map<CallerPeer<any>, ReturnType<typeof setTimeout>>();

  /** Tells `peer` its credentials expired (`rpc.credentialsExpired { grace }`) and closes it after `grace` ms. */
  expire(peer: CallerPeer<any>, grace: number): void {
    if (peer.closed) return;
    this.forget(peer);
    if (grace <= 0) {
      peer.close(CloseCode.CredentialsExpired, 'credentials expired');
      return;
    }
    // A plain notification, not a droppable push: a slow reader still gets it.
    peer.notify(CREDENTIALS_EXPIRED_METHOD, { grace });
    const timer = setTimeout(() => {
      this.timers.delete(peer);
      peer.close(CloseCode.CredentialsExpired, 'credentials expired');
    }, grace);
    timer.unref?.();
    this.timers.set(peer, timer);
  }

  /** A re-authentication succeeded, or the connection closed: its timer stops. */
  forget(peer: CallerPeer<any>): void {
    const timer = this.timers.get(peer);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(peer);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
