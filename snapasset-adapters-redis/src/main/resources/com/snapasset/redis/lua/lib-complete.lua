-- Shared by complete and completeclaim. Returns 1 when completed, 0 when the lock was not held.
-- left: when given ({active = {}, workers = {}}), the job's removal from the active set and its
-- worker's set is only noted there (see leaveActive), for leaveActiveAll to make for every job of
-- the call at once.
local function completeJob(id, token, now, result, left)
  local jk = jobKey(id)
  local v = held(jk, id, token, now, 'attempts', 'keepCompleted', 'worker')
  if not v then
    return 0
  end
  leaveActive(jk, id, v[5], left)
  redis.call('HSET', jk, 'state', 'completed', 'result', result, 'finishedAt', now, 'progress', 100,
    'attempts', (tonumber(v[3]) or 0) + 1)
  redis.call('ZADD', K_COMPLETED, now, id)
  publish('COMPLETED', id, 0, result)
  trim(K_COMPLETED, v[4])
  return 1
end

-- Takes the jobs completeJob noted in `left` out of the active set and their workers' sets.
local function leaveActiveAll(left)
  if #left.active > 0 then
    callChunked('ZREM', K_ACTIVE, left.active)
  end
  for worker, ids in pairs(left.workers) do
    callChunked('SREM', workerJobsKey(worker), ids)
  end
end
