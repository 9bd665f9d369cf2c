import { LuaScript } from '../lua-script.js';
import { DATA_FIELD, EPOCH_FIELD, META_FIELD } from './entries.js';

/*
 * Both scripts take `seen`: the highest id the calling broker has seen on the topic. A counter
 * below it means Redis lost the topic's state (it restarted without persistence). The counter
 * is then raised past `seen`, skipping one id, so that ids never start over or get reused and
 * every subscriber sees a hole where events may have been lost.
 *
 * Each broker raises from its own `seen`, in whatever order they reconnect. One that had fallen
 * behind may raise the counter to exactly the `seen` of one that had not, which must still skip
 * an id (the dead Redis may have given the next one to a publish whose reply was lost): a
 * counter equal to `seen` is raised too when the stream does not end at it. A publish always
 * adds the entry of the id it counts, a raise never does, so only a raise leaves them apart.
 */
const RAISE_PAST_SEEN = `
local function raised(seen)
  local n = tonumber(redis.call('GET', KEYS[1]) or '0')
  local lost = n < seen
  if n == seen and n > 0 then
    local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
    lost = last == nil or tonumber(string.match(last[1], '^%d+')) < n
  end
  if lost then
    n = seen + 1
    redis.call('SET', KEYS[1], n)
  end
  return n
end
`;

/**
 * Publishes one event atomically: the next id from the per-topic counter, then XADD under the
 * explicit stream id `<id>-0`, trimmed to exactly MAXLEN entries. Every broker process runs it
 * on the same Redis, so ids are consecutive across processes and stream order is id order.
 *
 * Each entry carries the topic's epoch. A raised counter only shows the loss as well as `seen`
 * allows: publishes whose replies died with Redis are not in it, so a reader that was behind
 * would see a one-id hole where thousands of events went. The epoch key goes with the rest of
 * a lost Redis, and the first publish after draws a new one (the caller's candidate, as Lua has
 * no good randomness), so every position from before the loss is known to be from before.
 * An event's meta (a trace context) goes in a field of its own, left out when empty.
 * KEYS: counter, stream, epoch. ARGV: data, maxlen, seen, candidate epoch, meta. Returns the id.
 */
export const publishScript = new LuaScript(`${RAISE_PAST_SEEN}
local n = raised(tonumber(ARGV[3])) + 1
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', KEYS[3], epoch)
end
redis.call('SET', KEYS[1], n)
if ARGV[5] ~= nil and ARGV[5] ~= '' then
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], n .. '-0', '${DATA_FIELD}', ARGV[1], '${EPOCH_FIELD}', epoch, '${META_FIELD}', ARGV[5])
else
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], n .. '-0', '${DATA_FIELD}', ARGV[1], '${EPOCH_FIELD}', epoch)
end
return {n, epoch}`);

/**
 * Raises a topic's counter after a reconnect (see above), before this broker's reader resumes
 * after the last id it delivered. KEYS: counter, stream. ARGV: seen. Returns the counter.
 */
export const raiseScript = new LuaScript(`${RAISE_PAST_SEEN}
return raised(tonumber(ARGV[1]))`);
