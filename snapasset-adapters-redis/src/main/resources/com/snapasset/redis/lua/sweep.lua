-- ARGV: now, maxStalledCount, guardMillis (0 = every call sweeps), maxWorkerLosses
-- Returns {recoveredIds, failedIds}.
local now = tonumber(ARGV[1])
local maxStalled = tonumber(ARGV[2])
local guard = tonumber(ARGV[3])
local maxLosses = tonumber(ARGV[4])
if guard > 0 and not redis.call('SET', K_SWEEP, '1', 'NX', 'PX', guard) then
  return {{}, {}}
end
local recovered, failed = {}, {}
local function finishFailed(id, jk, reason)
  redis.call('HSET', jk, 'state', 'failed', 'finishedAt', now, 'failedReason', reason)
  redis.call('HINCRBY', jk, 'attempts', 1)
  redis.call('ZADD', K_FAILED, now, id)
  publish('FAILED', id, 0, reason)
  trim(K_FAILED, redis.call('HGET', jk, 'keepFailed'))
  failed[#failed + 1] = id
end
-- Workers whose heartbeat ran out are dead: their jobs go back at once, and no stall is counted,
-- since the job was not at fault -- unless workers keep dying under it (a poison pill).
local dead = redis.call('ZRANGEBYSCORE', K_WORKERS, '-inf', '(' .. now, 'LIMIT', 0, BATCH)
for _, worker in ipairs(dead) do
  local wk = workerJobsKey(worker)
  for _, id in ipairs(redis.call('SMEMBERS', wk)) do
    local jk = jobKey(id)
    local v = redis.call('HMGET', jk, 'state', 'worker')
    if v[1] == 'active' and v[2] == worker then
      leaveActive(jk, id)
      local lost = redis.call('HINCRBY', jk, 'lost', 1)
      publish('STALLED', id, 0)
      if lost > maxLosses then
        finishFailed(id, jk, lost .. ' workers died while processing this job; it may be what kills them (poison pill)')
      else
        toWait(id, jk, false)
        wakeOne()
        recovered[#recovered + 1] = id
      end
    end
  end
  redis.call('DEL', wk)
  redis.call('ZREM', K_WORKERS, worker)
end
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
      finishFailed(id, jk, 'job stalled more than ' .. maxStalled .. ' times')
    else
      toWait(id, jk, false)
      wakeOne()
      recovered[#recovered + 1] = id
    end
  end
end
return {recovered, failed}
