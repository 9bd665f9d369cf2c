import { redisBroker } from '@tether/redis';
import { startChat } from './server/start.js';

// `pnpm demo`: the chat on embedded defaults, until Ctrl-C.
const port = Number(process.env['PORT'] ?? 5173);
const host = process.env['HOST'] ?? '127.0.0.1';

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env['PORT']}".`);
  process.exit(1);
}

// REDIS_URL makes room topics shared between chat processes (see the README's scale-out section).
const redisUrl = process.env['REDIS_URL'];

try {
  const broker = redisUrl ? redisBroker({ url: redisUrl }) : undefined;
  const chat = await startChat({ port, host, ...(broker ? { broker } : {}) });
  if (broker) console.log(`Room topics are shared through Redis at ${redisUrl}.`);
  console.log(`Tether chat is running. Open ${chat.url} (in two windows to chat with yourself).`);
  console.log('Press Ctrl-C to stop.');
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
      .then(() => broker?.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') console.error(`Port ${port} is in use. Pick another: PORT=5174 pnpm demo`);
  else console.error(error);
  process.exit(1);
}
