-- ARGV: id, token, now, reason, retryAt ('' to fail for good)
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
local v = held(jk, id, ARGV[2], now, 'attempts', 'keepFailed')
if not v then
  return 0
end
leaveActive(jk, id)
local attempts = (tonumber(v[3]) or 0) + 1
if ARGV[5] ~= '' then
  redis.call('HSET', jk, 'state', 'delayed', 'delayedUntil', ARGV[5], 'failedReason', ARGV[4],
    'attempts', attempts)
  redis.call('ZADD', K_DELAYED, ARGV[5], id)
  -- Blocked workers recompute how long to wait for the earliest delayed job.
  wakeOne()
  publish('RETRYING', id, 0, ARGV[4])
else
  redis.call('HSET', jk, 'state', 'failed', 'finishedAt', now, 'failedReason', ARGV[4],
    'attempts', attempts)
  redis.call('ZADD', K_FAILED, now, id)
  publish('FAILED', id, 0, ARGV[4])
  trim(K_FAILED, v[4])
end
return 1
