import { constants, deflateRawSync } from 'node:zlib';

/** `ws.send` options for a Buffer that holds text: it goes as a text frame. */
export const TEXT_OPTIONS = { binary: false } as const;

const FIN = 0x80;
/** Set on the first frame of a compressed message (RFC 7692 §6). */
const RSV1 = 0x40;
const TEXT = 0x01;

/**
 * `payload` as one complete, unmasked WebSocket frame (a server's, RFC 6455 §5.2) with the
 * given first byte, header and payload in one buffer: one entry in the socket's queue where
 * `ws.send` makes two, and small frames come from Node's buffer pool.
 */
function frame(payload: string | Buffer, first: number): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = first;
  if (header === 2) out[1] = length;
  else if (header === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof payload === 'string') out.write(payload, header);
  else payload.copy(out, header);
  return out;
}

/** `data` as one whole text frame, for a socket that negotiated no extension. */
export function frameText(data: string | Buffer): Buffer {
  return frame(data, FIN | TEXT);
}

/**
 * `data` as one whole text message compressed with permessage-deflate (RFC 7692 §7.2.1): raw
 * DEFLATE ending in a sync flush whose last 4 octets are removed, and RSV1 set. Compressed with
 * no context from earlier messages and a 15-bit window, so the same frame is valid on every
 * connection that negotiated the extension with `server_no_context_takeover` and the full window.
 */
export function frameDeflated(data: string | Buffer, level: number): Buffer {
  const compressed = deflateRawSync(data, { level, finishFlush: constants.Z_SYNC_FLUSH });
  return frame(compressed.subarray(0, compressed.length - 4), FIN | RSV1 | TEXT);
}

/** How a shared frame is made: plain, or compressed at `level` from `threshold` bytes up. */
export interface Compression {
  readonly threshold: number;
  readonly level: number;
}

let lastData: string | Buffer | undefined;
let lastFrame: Buffer | undefined;
let lastCompression: Compression | undefined;

/**
 * The frame of `data`, kept for the next send of the same data: a fan-out hands every subscriber
 * the same string (or a broadcast the same buffer) in one loop, so the frame is made (and, with
 * `compression`, compressed) once per event and the same bytes are written to every socket.
 */
export function sharedFrame(data: string | Buffer, compression?: Compression): Buffer {
  if (data === lastData && compression === lastCompression && lastFrame) return lastFrame;
  const compressed =
    compression !== undefined &&
    (typeof data === 'string' ? Buffer.byteLength(data) : data.length) >= compression.threshold;
  lastFrame = compressed ? frameDeflated(data, compression.level) : frameText(data);
  lastData = data;
  lastCompression = compression;
  return lastFrame;
}
