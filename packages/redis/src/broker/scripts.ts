import { LuaScript } from '../lua-script.js';
import { DATA_FIELD } from './entries.js';

/*
 * Both scripts take `seen`: the highest id the calling broker has seen on the topic. A counter
 * below it means Redis lost the topic's state (it restarted without persistence). The counter
 * is then raised past `seen`, skipping one id, so that ids never start over or get reused and
 * every subscriber sees a hole where events may have been lost.
 */

/**
 * Publishes one event atomically: the next id from the per-topic counter, then XADD under the
 * explicit stream id `<id>-0`, trimmed to exactly MAXLEN entries. Every broker process runs it
 * on the same Redis, so ids are consecutive across processes and stream order is id order.
 * KEYS: counter, stream. ARGV: data, maxlen, seen. Returns the id.
 */
export const publishScript = new LuaScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local seen = tonumber(ARGV[3])
if n < seen then n = seen + 1 end
n = n + 1
redis.call('SET', KEYS[1], n)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], n .. '-0', '${DATA_FIELD}', ARGV[1])
return n`);

/**
 * Raises a topic's counter after a reconnect (see above), before this broker's reader resumes
 * after the last id it delivered. KEYS: counter. ARGV: seen. Returns the counter.
 */
export const raiseScript = new LuaScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local seen = tonumber(ARGV[1])
if n < seen then
  n = seen + 1
  redis.call('SET', KEYS[1], n)
end
return n`);
