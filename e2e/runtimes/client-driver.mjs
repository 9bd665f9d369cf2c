// Runs the built @tether/client on Bun or Deno (or Node), driven by e2e/runtimes/client.test.ts
// over stdio: it prints one JSON line per thing it saw, and reads one command per line.
const runtime = globalThis.Bun ? 'bun' : globalThis.Deno ? 'deno' : 'node';

// Counts the runtime's own WebSockets the client makes: wrapped before the client is loaded,
// since the client's `#socket` module reads `globalThis.WebSocket` once, as it loads.
let socketsMade = 0;
const Native = globalThis.WebSocket;
if (Native) {
  globalThis.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      socketsMade++;
    }
  };
}
const { connect } = await import('@tether/client');

const say = (message) => console.log(JSON.stringify(message));
const url = runtime === 'deno' ? Deno.args[0] : process.argv[2];

const client = connect(url, { reconnect: { baseDelay: 10, maxDelay: 50 } });
client.register('whoami', () => runtime);
client.on('reconnecting', () => say({ type: 'reconnecting' }));
client.on('open', () => say({ type: 'open' }));

say({ type: 'sum', value: await client.call('add', [2, 3]) });
const events = [];
const subscription = client.subscribe('news', ['lobby'], {
  onEvent: (data) => {
    events.push(data);
    say({ type: 'event', data });
  },
});
await subscription.ready;
say({ type: 'subscribed', socketsMade });

const commands = {
  async call() {
    say({ type: 'sum', value: await client.call('add', [20, 22]) });
  },
  async close() {
    await client.close();
    say({ type: 'closed', socketsMade, events });
  },
};

let pending = '';
const decoder = new TextDecoder();
for await (const chunk of runtime === 'deno' ? Deno.stdin.readable : process.stdin) {
  pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  let newline;
  while ((newline = pending.indexOf('\n')) !== -1) {
    const command = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    await commands[command]();
    if (command === 'close') process.exit?.(0) ?? Deno.exit(0);
  }
}
