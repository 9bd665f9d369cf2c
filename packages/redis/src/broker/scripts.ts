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
local function raised(counter, stream, seen)
  local n = tonumber(redis.call('GET', counter) or '0')
  local lost = n < seen
  if n == seen and n > 0 then
    local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
    lost = last == nil or tonumber(string.match(last[1], '^%d+')) < n
  end
  if lost then
    n = seen + 1
    redis.call('SET', counter, n)
  end
  return n
end
`;

/**
 * Publishes a batch of events, each on one of the batch's topics, in order: per event the next
 * id from its topic's counter and an XADD under the explicit stream id `<id>-0`. Every broker
 * process runs it on the same Redis, so ids are consecutive across processes and stream order
 * is id order. A batch is one script call, so one round trip carries every publish a broker
 * made in a tick; each topic's counter is set and its stream trimmed to exactly MAXLEN entries
 * once per batch, not per event: trimming one entry at a time was half of Redis's time per
 * publish. Nothing outside the script sees the stream between its XADDs and its trim.
 *
 * Each entry carries the topic's epoch. A raised counter only shows the loss as well as `seen`
 * allows: publishes whose replies died with Redis are not in it, so a reader that was behind
 * would see a one-id hole where thousands of events went. The epoch key goes with the rest of
 * a lost Redis, and the first publish after draws a new one (the caller's candidate, as Lua has
 * no good randomness), so every position from before the loss is known to be from before.
 * An event's meta (a trace context) goes in a field of its own, left out when empty.
 *
 * A topic whose keys Redis refuses (a key of another type, written by something else) fails
 * its own events, from the first refused on, and no other's: the failure is in the reply, not
 * raised, since the events before it are stored. The counter then ends at the last event
 * stored, so a refused event leaves no hole.
 * KEYS: counter, stream and epoch of each topic. ARGV: maxlen, candidate epoch, each topic's
 * seen, then per event its topic's number (from 1), data and meta. Returns per event its id
 * and epoch, or 0 and why it failed.
 */
export const publishScript = new LuaScript(`${RAISE_PAST_SEEN}
local function why(e)
  if type(e) == 'table' then return tostring(e.err) end
  return tostring(e)
end
local function position(t, seen)
  local n = raised(KEYS[3 * t - 2], KEYS[3 * t - 1], seen)
  local epoch = redis.call('GET', KEYS[3 * t])
  if not epoch then
    epoch = ARGV[2]
    redis.call('SET', KEYS[3 * t], epoch)
  end
  return n, epoch
end
local topics = #KEYS / 3
local first, last, epoch, failed = {}, {}, {}, {}
for t = 1, topics do
  local ok, n, e = pcall(position, t, tonumber(ARGV[2 + t]))
  if ok then
    first[t], last[t], epoch[t] = n, n, e
  else
    failed[t] = why(n)
  end
end
local out = {}
for i = 3 + topics, #ARGV, 3 do
  local t = tonumber(ARGV[i])
  if not failed[t] then
    local n = last[t] + 1
    local added
    if ARGV[i + 2] ~= '' then
      added = redis.pcall('XADD', KEYS[3 * t - 1], n .. '-0', '${DATA_FIELD}', ARGV[i + 1], '${EPOCH_FIELD}', epoch[t], '${META_FIELD}', ARGV[i + 2])
    else
      added = redis.pcall('XADD', KEYS[3 * t - 1], n .. '-0', '${DATA_FIELD}', ARGV[i + 1], '${EPOCH_FIELD}', epoch[t])
    end
    if type(added) == 'table' and added.err then
      failed[t] = why(added)
    else
      last[t] = n
      out[#out + 1] = n
      out[#out + 1] = epoch[t]
    end
  end
  if failed[t] then
    out[#out + 1] = 0
    out[#out + 1] = failed[t]
  end
end
-- Neither can fail for keys the topic's GETs and XADDs just used; if the SET did, the next
-- publish would find the counter behind its seen and raise it, showing a hole, never a reuse.
for t = 1, topics do
  if last[t] ~= nil and last[t] > first[t] then
    redis.pcall('SET', KEYS[3 * t - 2], last[t])
    redis.pcall('XTRIM', KEYS[3 * t - 1], 'MAXLEN', ARGV[1])
  end
end
return out`);

/**
 * Raises a topic's counter after a reconnect (see above), before this broker's reader resumes
 * after the last id it delivered. KEYS: counter, stream. ARGV: seen. Returns the counter.
 */
export const raiseScript = new LuaScript(`${RAISE_PAST_SEEN}
return raised(KEYS[1], KEYS[2], tonumber(ARGV[1]))`);
