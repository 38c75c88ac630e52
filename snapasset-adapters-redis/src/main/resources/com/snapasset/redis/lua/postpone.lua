-- ARGV: id, token, now, until, reason
-- Back to waiting (or delayed until `until`) without counting an attempt or a stall.
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
if not held(jk, id, ARGV[2], now) then
  return 0
end
leaveActive(jk, id)
local untilMs = tonumber(ARGV[4])
if untilMs > now then
  redis.call('HSET', jk, 'state', 'delayed', 'delayedUntil', untilMs, 'failedReason', ARGV[5])
  redis.call('ZADD', K_DELAYED, untilMs, id)
else
  redis.call('HSET', jk, 'failedReason', ARGV[5])
  toWait(id, jk, false)
end
wakeOne()
publish('RETRYING', id, 0, ARGV[5])
return 1
