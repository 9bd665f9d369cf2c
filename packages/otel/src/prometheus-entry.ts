export { prometheusHandler } from './prometheus.js';
export type { PrometheusHandler, PrometheusOptions } from './prometheus.js';
