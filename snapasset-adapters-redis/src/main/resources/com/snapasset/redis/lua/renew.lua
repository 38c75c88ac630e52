-- ARGV: id, token, now, lockMillis
-- Returns 0 (lost), 1 (held, extended) or 2 (held, extended, but cancelled).
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
local v = held(jk, id, ARGV[2], now, 'cancel')
if not v then
  return 0
end
redis.call('ZADD', K_ACTIVE, 'XX', now + tonumber(ARGV[4]), id)
if v[3] then
  return 2
end
return 1
