/**
 * Polls `check` every 20 ms until it holds; fails after `within` ms. Resolves with the wait,
 * for waits on something no event announces (a Redis key expiring).
 */
export async function eventually(check: () => Promise<boolean>, within: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > within) throw new Error(`condition not met within ${within} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}
