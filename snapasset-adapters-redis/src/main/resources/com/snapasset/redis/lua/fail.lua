-- ARGV: id, token, now, reason, retryAt ('' to fail for good)
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
if not holds(jk, id, ARGV[2], now) then
  return 0
end
leaveActive(jk, id)
redis.call('HINCRBY', jk, 'attempts', 1)
redis.call('HSET', jk, 'failedReason', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('HSET', jk, 'state', 'delayed', 'delayedUntil', ARGV[5])
  redis.call('ZADD', K_DELAYED, ARGV[5], id)
  -- Blocked workers recompute how long to wait for the earliest delayed job.
  wakeOne()
  publish('RETRYING', id, 0, ARGV[4])
else
  redis.call('HSET', jk, 'state', 'failed', 'finishedAt', now)
  redis.call('ZADD', K_FAILED, now, id)
  publish('FAILED', id, 0, ARGV[4])
  trim(K_FAILED, redis.call('HGET', jk, 'keepFailed'))
end
return 1
