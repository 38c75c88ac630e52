-- ARGV: token, now, lockMillis, rateMax (0 = no limit), rateWindowMillis
-- Returns {0} for nothing ready or paused, {2, waitMillis} when rate-limited, {1, fields}.
local token = ARGV[1]
local now = tonumber(ARGV[2])
if redis.call('EXISTS', K_PAUSED) == 1 then
  return {0}
end
local due = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', now, 'LIMIT', 0, BATCH)
if #due > 0 then
  for _, id in ipairs(due) do
    local jk = jobKey(id)
    toWait(id, jk, true)
    redis.call('HDEL', jk, 'delayedUntil')
  end
  redis.call('ZREM', K_DELAYED, unpack(due))
end
if redis.call('ZCARD', K_WAIT) == 0 then
  return {0}
end
-- The limiter is a fixed window on the callers' clock: {count, resetAt}, shared by every claimer.
local rateMax = tonumber(ARGV[4])
if rateMax > 0 then
  local used, resetAt = unpack(redis.call('HMGET', K_LIMITER, 'count', 'resetAt'))
  if resetAt and now < tonumber(resetAt) then
    if tonumber(used) >= rateMax then
      return {2, tonumber(resetAt) - now}
    end
  else
    local window = tonumber(ARGV[5])
    redis.call('HSET', K_LIMITER, 'count', 0, 'resetAt', now + window)
    -- Only to tidy up an idle queue; the window itself is resetAt.
    redis.call('PEXPIRE', K_LIMITER, window * 2 + 60000)
  end
end
while true do
  local popped = redis.call('ZPOPMIN', K_WAIT)
  if #popped == 0 then
    return {0}
  end
  local id = popped[1]
  local jk = jobKey(id)
  if redis.call('EXISTS', jk) == 1 then
    redis.call('HSET', jk, 'state', 'active', 'token', token, 'processedAt', now)
    redis.call('HDEL', jk, 'cancel')
    redis.call('ZADD', K_ACTIVE, now + tonumber(ARGV[3]), id)
    if rateMax > 0 then
      redis.call('HINCRBY', K_LIMITER, 'count', 1)
    end
    -- Chain: the next blocked worker wakes while ready jobs remain.
    if redis.call('ZCARD', K_WAIT) > 0 and redis.call('LLEN', K_WAKE) == 0 then
      redis.call('LPUSH', K_WAKE, '1')
    end
    local attempts = redis.call('HGET', jk, 'attempts')
    publish('ACTIVE', id, tonumber(attempts) + 1)
    return {1, redis.call('HGETALL', jk)}
  end
end
