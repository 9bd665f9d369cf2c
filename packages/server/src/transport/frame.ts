import * as wsModule from 'ws';

/** `ws`'s frame encoder: exported by the package (socket.io's broadcast uses it), absent from @types/ws. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}

const { Sender } = wsModule as unknown as { Sender: SenderStatic };

const TEXT_FRAME = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false } as const;

let lastData: string | Buffer | undefined;
let lastFrame: Buffer | undefined;

/**
 * `data` as one complete, unmasked WebSocket text frame (a server's), which can be written as
 * is to every socket that negotiated no extension. A fan-out hands every subscriber the same
 * string (or a broadcast the same buffer) in one loop, so the last one framed is kept and the
 * next send of the same data reuses it: one framing per event, however many sockets.
 */
export function textFrame(data: string | Buffer): Buffer {
  if (data === lastData && lastFrame) return lastFrame;
  const parts = Sender.frame(typeof data === 'string' ? Buffer.from(data) : data, TEXT_FRAME);
  const frame = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  lastData = data;
  lastFrame = frame;
  return frame;
}
