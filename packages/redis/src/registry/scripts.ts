import { LuaScript } from '../lua-script.js';

/**
 * Lists a service's live providers: the records still under their TTL. Ids whose record has
 * expired (the provider stopped heartbeating) are dropped from the set in the same step, so a
 * provider re-registering concurrently cannot be dropped by mistake.
 * KEYS: the service's provider set. ARGV: the record key prefix. Returns the records.
 */
export const liveProvidersScript = new LuaScript(`
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local record = redis.call('GET', ARGV[1] .. id)
  if record then
    out[#out + 1] = record
  else
    redis.call('SREM', KEYS[1], id)
  end
end
return out`);
