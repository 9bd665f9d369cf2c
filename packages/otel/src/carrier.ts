import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';

/** The keys a W3C trace context is carried under, in `params._meta` and in a broker event's meta. */
type Carrier = Record<string, unknown>;

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The propagation fields of `context` (`traceparent`, `tracestate` with the W3C propagator); undefined when none. */
export function injectInto(propagator: TextMapPropagator, context: Context): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  propagator.inject(context, fields, setter);
  for (const _ in fields) return fields;
  return undefined;
}

/** `base` with the context carried in `carrier` (a `_meta` object, an event's meta), if any. */
export function extractFrom(propagator: TextMapPropagator, base: Context, carrier: Carrier | undefined): Context {
  return carrier ? propagator.extract(base, carrier, getter) : base;
}
