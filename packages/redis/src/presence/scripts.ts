import { LuaScript } from '../lua-script.js';

/*
 * A presence topic is three keys sharing one hash tag (so a cluster keeps them on one shard):
 * KEYS[1] a sorted set of holders, member `<holder>\n<key>`, scored by when the hold expires
 * (ms, Redis's clock, so nodes' clocks need not agree); KEYS[2] a hash key -> metadata JSON;
 * KEYS[3] a hash key -> how many holders it has. A holder past its expiry is dead: `list`
 * skips it at once, and the next sweep removes it.
 */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Removes one holder; appends `leave` to `out` when it was the key's last. */
const RELEASE = `
local function release(member, key, out)
  if redis.call('ZREM', KEYS[1], member) == 0 then return end
  if redis.call('HINCRBY', KEYS[3], key, -1) > 0 then return end
  local meta = redis.call('HGET', KEYS[2], key) or 'null'
  redis.call('HDEL', KEYS[3], key)
  redis.call('HDEL', KEYS[2], key)
  table.insert(out, 'leave')
  table.insert(out, key)
  table.insert(out, meta)
end
`;

/**
 * Holds keys for holders until now + ttl. ARGV: ttl, mode, then (holder, key, meta) triples.
 * Mode `track` writes the metadata (an `update` when it differs); `refresh` only extends the
 * holds, re-making any that were swept meanwhile (a `join` if the key had gone). Returns the
 * changes as flat (kind, key, meta) triples.
 */
export const holdScript = new LuaScript(`${NOW}
local expires = now + tonumber(ARGV[1])
local refresh = ARGV[2] == 'refresh'
local out = {}
for i = 3, #ARGV, 3 do
  local holder, key, meta = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local member = holder .. '\\n' .. key
  local known = redis.call('ZSCORE', KEYS[1], member)
  redis.call('ZADD', KEYS[1], expires, member)
  local first = false
  if not known then first = redis.call('HINCRBY', KEYS[3], key, 1) == 1 end
  if first then
    redis.call('HSET', KEYS[2], key, meta)
    table.insert(out, 'join')
    table.insert(out, key)
    table.insert(out, meta)
  elseif not refresh and redis.call('HGET', KEYS[2], key) ~= meta then
    redis.call('HSET', KEYS[2], key, meta)
    table.insert(out, 'update')
    table.insert(out, key)
    table.insert(out, meta)
  end
end
return out`);

/** Releases one hold. ARGV: holder, key. Returns (kind, key, meta) for a leave, or nothing. */
export const releaseScript = new LuaScript(`${RELEASE}
local out = {}
release(ARGV[1] .. '\\n' .. ARGV[2], ARGV[2], out)
return out`);

/**
 * Removes holds that expired (their node stopped refreshing them), at most ARGV[1] of them.
 * Whichever node's sweep removes a hold announces the leave, so each is announced once.
 */
export const sweepScript = new LuaScript(`${NOW}${RELEASE}
local out = {}
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(dead) do
  local at = string.find(member, '\\n', 1, true)
  release(member, string.sub(member, at + 1), out)
end
return out`);

/** The keys with a live holder, as flat (key, meta) pairs. */
export const listScript = new LuaScript(`${NOW}
local out = {}
local listed = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  local key = string.sub(member, string.find(member, '\\n', 1, true) + 1)
  if not listed[key] then
    listed[key] = true
    table.insert(out, key)
    table.insert(out, redis.call('HGET', KEYS[2], key) or 'null')
  end
end
return out`);
