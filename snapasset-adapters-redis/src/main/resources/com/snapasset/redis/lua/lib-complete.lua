-- Shared by complete and completeclaim. Returns 1 when completed, 0 when the lock was not held.
-- left: when given ({active = {}, workers = {}, completed = {}}), the job's removal from the active
-- set and its worker's set, and its entry in the completed set when nothing trims that set, are
-- only noted there (see leaveActive), for leaveActiveAll to make for every job of the call at once:
-- one command each instead of one per job. expiry: given with left, the job's score in the active
-- set (its lock's expiry), read beforehand for every job of the call with one ZMSCORE; false when
-- the job is not in the set.
local function completeJob(id, token, now, result, left, expiry)
  local jk = jobKey(id)
  local v
  if left then
    v = redis.call('HMGET', jk, 'state', 'token', 'attempts', 'keepCompleted', 'worker')
    if v[1] ~= 'active' or v[2] ~= token or not expiry or tonumber(expiry) < now then
      return 0
    end
  else
    v = held(jk, id, token, now, 'attempts', 'keepCompleted', 'worker')
    if not v then
      return 0
    end
  end
  leaveActive(jk, id, v[5], left)
  redis.call('HSET', jk, 'state', 'completed', 'result', result, 'finishedAt', now, 'progress', 100,
    'attempts', (tonumber(v[3]) or 0) + 1)
  local keep = tonumber(v[4])
  if left and (keep == nil or keep < 0) then
    -- Nothing to trim: the entry can wait for the call's one ZADD (same score, same set).
    local c = left.completed
    c[#c + 1] = now
    c[#c + 1] = id
  else
    if left and #left.completed > 0 then
      -- The trim below counts the set: the entries noted so far go in first.
      callChunked('ZADD', K_COMPLETED, left.completed)
      left.completed = {}
    end
    redis.call('ZADD', K_COMPLETED, now, id)
    trim(K_COMPLETED, v[4])
  end
  publish('COMPLETED', id, 0, result)
  return 1
end

-- Takes the jobs completeJob noted in `left` out of the active set and their workers' sets, and
-- enters the ones it noted in the completed set.
local function leaveActiveAll(left)
  if #left.completed > 0 then
    callChunked('ZADD', K_COMPLETED, left.completed)
  end
  if #left.active > 0 then
    callChunked('ZREM', K_ACTIVE, left.active)
  end
  for worker, ids in pairs(left.workers) do
    callChunked('SREM', workerJobsKey(worker), ids)
  end
end
