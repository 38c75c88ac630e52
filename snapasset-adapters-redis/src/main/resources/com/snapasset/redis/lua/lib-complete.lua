-- Shared by complete and completeclaim. Returns 1 when completed, 0 when the lock was not held.
local function completeJob(id, token, now, result)
  local jk = jobKey(id)
  local v = held(jk, id, token, now, 'attempts', 'keepCompleted', 'worker')
  if not v then
    return 0
  end
  leaveActive(jk, id, v[5])
  redis.call('HSET', jk, 'state', 'completed', 'result', result, 'finishedAt', now, 'progress', 100,
    'attempts', (tonumber(v[3]) or 0) + 1)
  redis.call('ZADD', K_COMPLETED, now, id)
  publish('COMPLETED', id, 0, result)
  trim(K_COMPLETED, v[4])
  return 1
end
