/** What a provider says about itself when it registers. */
export interface ProviderInfo {
  /** Unique per process (or per server): the provider's identity in the registry. */
  nodeId: string;
  /** Where callers reach it, e.g. `ws://10.0.0.5:8080/rpc`. */
  url: string;
  /** The methods it serves for the service; empty means any. Default empty. */
  methods?: readonly string[];
  /** Its load as it measures it (connections, calls in flight...): lower is preferred. Default 0. */
  load?: number;
}

/** A live provider of a service, as the registry lists it. */
export interface Provider {
  /** The service it provides. */
  readonly service: string;
  /** Its identity in the registry. */
  readonly nodeId: string;
  /** Where callers reach it. */
  readonly url: string;
  /** The methods it serves; empty means any. */
  readonly methods: readonly string[];
  /** Its load as last reported. */
  readonly load: number;
}

/** Whether `provider` serves `method` (an empty method list serves anything). */
export function serves(provider: Provider, method: string): boolean {
  return provider.methods.length === 0 || provider.methods.includes(method);
}

/** Reads a provider record written by `encodeProvider`; undefined for anything else. */
export function decodeProvider(text: string): Provider | undefined {
  try {
    const value = JSON.parse(text) as Partial<Provider>;
    if (typeof value.service !== 'string' || typeof value.nodeId !== 'string' || typeof value.url !== 'string')
      return undefined;
    return {
      service: value.service,
      nodeId: value.nodeId,
      url: value.url,
      methods: Array.isArray(value.methods) ? value.methods.filter((m): m is string => typeof m === 'string') : [],
      load: typeof value.load === 'number' && Number.isFinite(value.load) ? value.load : 0,
    };
  } catch {
    return undefined;
  }
}

/** The record a registration writes for its provider. */
export function encodeProvider(provider: Provider): string {
  return JSON.stringify(provider);
}
