import * as wsModule from 'ws';

/** `ws`'s frame encoder: exported by the package (socket.io's broadcast uses it) but absent from @types/ws. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}

const { Sender } = wsModule as unknown as { Sender: SenderStatic };

const TEXT = 1;

/**
 * `text` as one complete, unmasked WebSocket text frame (a server's), in one buffer that can
 * be written as is to every socket that negotiated no extension.
 */
export function textFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: TEXT, mask: false, readOnly: false });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
