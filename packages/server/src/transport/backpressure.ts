/** What a slow reader's non-droppable messages get: 'drop' still sends them, 'close' ends the connection. */
export type BackpressurePolicy = 'drop' | 'close';

/** Reported once per stretch of congestion: when pushes start being dropped, or when the connection is closed. */
export interface BackpressureEvent {
  /** 'drop': pushes are being dropped (or results refused); 'close': the connection is closing with 1013. */
  readonly action: 'drop' | 'close';
  /** Bytes queued for the socket at that moment. */
  readonly bufferedAmount: number;
}
