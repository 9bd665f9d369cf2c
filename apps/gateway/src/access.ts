import { RpcError } from '@tether/core';

/**
 * -32004: the caller lacks a grant the method requires. The server defines it once issue 16's
 * access control lands in @tether/server (`requires` on a method); until then the gateway checks
 * here, so that moving to the server's check is this one function.
 */
export const FORBIDDEN = -32004;

/** Refuses a caller without every grant in `requires`: the error names the method and what is missing. */
export function checkAccess(method: string, requires: readonly string[] | undefined, roles: readonly string[]): void {
  if (!requires) return;
  const missing = requires.filter((grant) => !roles.includes(grant));
  if (missing.length > 0) {
    throw new RpcError(FORBIDDEN, `gateway: ${method} requires ${missing.join(', ')}`, { method, missing });
  }
}
