/**
 * Method names Tether itself uses on the wire. They sit in the namespaces users cannot
 * register (`rpc.` is reserved by the JSON-RPC 2.0 spec, `$/` by convention), so they
 * never collide with an application's methods.
 */

/** Notification `{ id }` asking the other side to abort a running call (the LSP convention). */
export const CANCEL_METHOD = '$/cancelRequest';
