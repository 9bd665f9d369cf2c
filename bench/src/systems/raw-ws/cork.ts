import type { Socket } from 'node:net';

/**
 * What a careful `ws` user writes to batch a tick's frames: the first send of a tick corks the
 * TCP socket, and the end of the tick (`process.nextTick`) uncorks it, so every frame sent in
 * between leaves in one write. Call the returned function before each send.
 */
export function corkPerTick(stream: Socket): () => void {
  let corked = false;
  const release = () => {
    corked = false;
    stream.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    stream.cork();
    process.nextTick(release);
  };
}
