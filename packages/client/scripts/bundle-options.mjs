// The esbuild options of the browser bundles, shared by the build (bundle.mjs) and the size
// test (src/bundle-size.test.ts), so the budget is checked on exactly what ships.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Members that only the bundle's own objects have, so esbuild may shorten them to a letter or
 * two: each is the name of no public type's member (core's and the client's .d.ts), no wire
 * field, no DOM or ECMAScript member, and no member of a Service (which a page may make with
 * another copy of core), and never written as a quoted key. e2e/published-types.test.ts checks
 * each of those, and the browser tests run the bundle.
 */
export const internalMembers = [
  'abortAll',
  'afterReply',
  'attached',
  'callWith',
  'closeAll',
  'closedEvent',
  'dead',
  'deadline',
  'fail',
  'ids',
  'inFlightCount',
  'invoke',
  'lostWire',
  'markSent',
  'onAbort',
  'onResult',
  'received',
  'receivePush',
  'rejectAll',
  'releaseWire',
  'reportHandlerError',
  'reportStray',
  'requestWire',
  'sendRaw',
  'served',
  'settle',
  'settleError',
  'settleFromWire',
];

/** Client and core from source (`source` resolves workspace packages to src/), for browsers. */
export const bundleOptions = {
  entryPoints: [`${root}src/index.ts`],
  bundle: true,
  minify: true,
  platform: 'browser',
  conditions: ['source'],
  target: 'es2022',
  legalComments: 'none',
  mangleProps: new RegExp(`^(?:${internalMembers.join('|')})$`),
  // Fields as assignments in the constructor, not declarations: no class in the bundle has a
  // field that shadows an accessor, where the two differ, and a field never assigned costs nothing.
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
};
