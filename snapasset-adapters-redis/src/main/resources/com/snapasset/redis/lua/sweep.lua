-- ARGV: now, maxStalledCount, guardMillis (0 = every call sweeps)
-- Returns {recoveredIds, failedIds}.
local now = tonumber(ARGV[1])
local maxStalled = tonumber(ARGV[2])
local guard = tonumber(ARGV[3])
if guard > 0 and not redis.call('SET', K_SWEEP, '1', 'NX', 'PX', guard) then
  return {{}, {}}
end
local recovered, failed = {}, {}
local expired = redis.call('ZRANGEBYSCORE', K_ACTIVE, '-inf', '(' .. now, 'LIMIT', 0, BATCH)
for _, id in ipairs(expired) do
  local jk = jobKey(id)
  if redis.call('EXISTS', jk) == 0 then
    redis.call('ZREM', K_ACTIVE, id)
  else
    leaveActive(jk, id)
    local stalled = redis.call('HINCRBY', jk, 'stalled', 1)
    publish('STALLED', id, 0)
    if stalled > maxStalled then
      local reason = 'job stalled more than ' .. maxStalled .. ' times'
      redis.call('HSET', jk, 'state', 'failed', 'finishedAt', now, 'failedReason', reason)
      redis.call('ZADD', K_FAILED, now, id)
      publish('FAILED', id, 0, reason)
      trim(K_FAILED, redis.call('HGET', jk, 'keepFailed'))
      failed[#failed + 1] = id
    else
      toWait(id, jk, false)
      wakeOne()
      recovered[#recovered + 1] = id
    end
  end
end
return {recovered, failed}
