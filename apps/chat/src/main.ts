import { redisBroker, redisPresence } from '@tether/redis';
import { startChat } from './server/start.js';

// `pnpm demo`: the chat on embedded defaults, until Ctrl-C.
const port = Number(process.env['PORT'] ?? 5173);
const host = process.env['HOST'] ?? '127.0.0.1';

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env['PORT']}".`);
  process.exit(1);
}

// REDIS_URL shares the chat between processes: room topics and history, names, who is online,
// room members, typists and the room list (see the README's scale-out section).
const redisUrl = process.env['REDIS_URL'];
/** How long a killed process's people stay listed elsewhere, in ms. */
const presenceTtl = Number(process.env['PRESENCE_TTL_MS'] ?? 15_000);
/** How long the start waits for Redis before saying it cannot reach it. */
const REDIS_CHECK_MS = 3000;

try {
  const shared = redisUrl
    ? {
        broker: redisBroker({ url: redisUrl, connectTimeout: REDIS_CHECK_MS }),
        presence: redisPresence({ url: redisUrl, ttl: presenceTtl, connectTimeout: REDIS_CHECK_MS }),
        sharedThrough: `Redis at ${redisUrl}`,
      }
    : undefined;
  if (shared) {
    const reached = await Promise.all([shared.broker.ready(), shared.presence.ready()]).then(
      () => true,
      () => false,
    );
    if (reached) console.log(`The chat is shared through Redis at ${redisUrl}.`);
    else {
      console.error(
        `Cannot reach Redis at ${redisUrl} (REDIS_URL). The chat starts, but nothing can be sent until Redis answers;\n` +
          'the page says so too. Start redis-server, fix REDIS_URL, or unset it to run on this process alone.',
      );
    }
  }
  const chat = await startChat({ port, host, ...(shared ?? {}) });
  // The handlers go in before the ready line: whoever reads it may send SIGINT at once.
  // One Ctrl-C arrives more than once: from the terminal, and again from each pnpm above us,
  // which forwards it. Later ones are ignored (the close is bounded by its 2 s deadline), as
  // the default action of a second SIGINT would kill us mid-close and make pnpm report a failure.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    void chat
      .close()
      .then(() => Promise.all([shared?.broker.close(), shared?.presence.close()]))
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`Tether chat is running. Open ${chat.url} (in two windows to chat with yourself).`);
  console.log('Press Ctrl-C to stop.');
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') console.error(`Port ${port} is in use. Pick another: PORT=5174 pnpm demo`);
  else console.error(error);
  process.exit(1);
}
