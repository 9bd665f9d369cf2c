/** FIN and the text opcode: every frame the server writes itself is one whole text message. */
const FIN_TEXT = 0x81;

/**
 * `data` as one complete, unmasked WebSocket text frame (a server's, RFC 6455 §5.2), header and
 * payload in one buffer: one entry in the socket's queue where `ws.send` makes two, and small
 * frames come from Node's buffer pool. Only for sockets that negotiated no extension.
 */
export function frameText(data: string | Buffer): Buffer {
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof data === 'string') frame.write(data, header);
  else data.copy(frame, header);
  return frame;
}

let lastData: string | Buffer | undefined;
let lastFrame: Buffer | undefined;

/**
 * `frameText(data)`, kept for the next send of the same data: a fan-out hands every subscriber
 * the same string (or a broadcast the same buffer) in one loop, so the frame is made once per
 * event and the same bytes are written to every socket, however many.
 */
export function sharedFrame(data: string | Buffer): Buffer {
  if (data === lastData && lastFrame) return lastFrame;
  lastFrame = frameText(data);
  lastData = data;
  return lastFrame;
}
