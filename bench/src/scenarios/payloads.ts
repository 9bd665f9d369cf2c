/** The data every system sends: the same objects, so each pays for the same JSON. */

/** A typical small call's params. */
export const smallParams: Record<string, unknown> = { text: 'hello', n: 42, ok: true };

/** Params of about 1 KB of JSON: a list of records, the usual shape of a larger call. */
export const kilobyteParams: Record<string, unknown> = {
  kind: 'orders',
  items: Array.from({ length: 12 }, (_, i) => ({
    id: 1000 + i,
    sku: `SKU-${(i * 7919) % 10007}`.padEnd(12, '0'),
    qty: (i % 5) + 1,
    price: 9.99 + i,
    tags: ['fast', 'bench'],
  })),
};

/** Bytes of `params` on the wire as JSON. */
export const jsonBytes = (params: unknown): number => Buffer.byteLength(JSON.stringify(params));

/** One pushed event. */
export const eventData = (seq: number): Record<string, unknown> => ({ seq, text: 'price update', value: 101.5 });

/** A pushed event of about 2 KB of JSON, worth compressing: a page of records, as a feed update carries. */
export const largeEventData = (seq: number): Record<string, unknown> => ({
  seq,
  ...kilobyteParams,
  more: kilobyteParams['items'],
});
