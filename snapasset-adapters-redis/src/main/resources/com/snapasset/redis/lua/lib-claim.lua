-- Shared by claim and completeclaim: promotes due delayed jobs, then claims the next ready job.
-- Returns {0, paused (1 or 0), the earliest delayed job's due time or ''} for nothing ready (what
-- nextdue.lua answers, so a worker about to wait for work need not ask again), {2, waitMillis}
-- when rate-limited, or
-- {1, id, {payload, priority, progress, attempts, maxAttempts, stalled, createdAt, failedReason}},
-- followed, with reportDrained, by 0 and the earliest delayed job's due time or '' when this claim
-- took the last ready job (the pair nothingReady answers: the next claimer may wait for work
-- without claiming). Without it (chained claims, which nobody follows) no command is spent on it.
local function nothingReady()
  local next = redis.call('ZRANGE', K_DELAYED, 0, 0, 'WITHSCORES')
  return {0, 0, next[2] or ''}
end

-- What every claim looks at first and no claim changes: the pause, the delayed jobs now due, the
-- hold set by rateLimit(). Returns nil when claims may go on, else what claimNext would return.
-- A script making several claims (completeclaimall) asks once for all of them.
local function claimGate(now)
  if redis.call('EXISTS', K_PAUSED) == 1 then
    return {0, 1, ''}
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
  -- A hold set by rateLimit(): nothing is handed out until it passes.
  local hold = redis.call('GET', K_HOLD)
  if hold and tonumber(hold) > now and redis.call('ZCARD', K_WAIT) > 0 then
    return {2, tonumber(hold) - now}
  end
  return nil
end

-- Chain: the next blocked worker wakes while ready jobs remain.
local function wakeIfReady()
  if redis.call('LLEN', K_WAKE) == 0 and redis.call('ZCARD', K_WAIT) > 0 then
    redis.call('LPUSH', K_WAKE, '1')
  end
end

-- gated: the caller ran claimGate for this script already, and calls wakeIfReady after its last
-- claim (several claims in one script: both once instead of once per claim).
local function claimNext(token, now, lockMillis, rateMaxArg, rateWindowArg, workerId, reportDrained, gated)
  if not gated then
    local stop = claimGate(now)
    if stop then
      return stop
    end
  end
  -- The limiter is a fixed window on the callers' clock: {count, resetAt}, shared by every claimer.
  local rateMax = tonumber(rateMaxArg)
  if rateMax > 0 then
    if redis.call('ZCARD', K_WAIT) == 0 then
      return nothingReady()
    end
    local used, resetAt = unpack(redis.call('HMGET', K_LIMITER, 'count', 'resetAt'))
    if resetAt and now < tonumber(resetAt) then
      if tonumber(used) >= rateMax then
        return {2, tonumber(resetAt) - now}
      end
    else
      local window = tonumber(rateWindowArg)
      redis.call('HSET', K_LIMITER, 'count', 0, 'resetAt', now + window)
      -- Only to tidy up an idle queue; the window itself is resetAt.
      redis.call('PEXPIRE', K_LIMITER, window * 2 + 60000)
    end
  end
  -- Every id in the wait set has its hash: removing a job takes it out of its set in the same script.
  local popped = redis.call('ZPOPMIN', K_WAIT)
  if #popped == 0 then
    return nothingReady()
  end
  local id = popped[1]
  local jk = jobKey(id)
  if workerId and workerId ~= '' then
    redis.call('HSET', jk, 'state', 'active', 'token', token, 'processedAt', now, 'worker', workerId)
    redis.call('SADD', workerJobsKey(workerId), id)
  else
    redis.call('HSET', jk, 'state', 'active', 'token', token, 'processedAt', now)
  end
  redis.call('ZADD', K_ACTIVE, now + tonumber(lockMillis), id)
  if rateMax > 0 then
    redis.call('HINCRBY', K_LIMITER, 'count', 1)
  end
  -- Chain: the next blocked worker wakes while ready jobs remain.
  local left = 1
  if reportDrained then
    left = redis.call('ZCARD', K_WAIT)
    if left > 0 and redis.call('LLEN', K_WAKE) == 0 then
      redis.call('LPUSH', K_WAKE, '1')
    end
  elseif not gated then
    wakeIfReady()
  end
  local v = redis.call('HMGET', jk, 'payload', 'priority', 'progress', 'attempts', 'maxAttempts',
    'stalled', 'createdAt', 'failedReason')
  publish('ACTIVE', id, (tonumber(v[4]) or 0) + 1)
  if left == 0 then
    local idle = nothingReady()
    return {1, id, v, idle[2], idle[3]}
  end
  return {1, id, v}
end

-- Several claims without a rate limit, after claimGate: what claimNext would answer for each, in
-- order, stopping at the first that gets nothing; the jobs are popped, and put in the active set
-- and the worker's set, with one command each for all of them instead of one per job.
local function claimMany(tokens, now, lockMillis, workerId)
  local claims = {}
  local popped = redis.call('ZPOPMIN', K_WAIT, #tokens)
  local expiry = now + tonumber(lockMillis)
  local active, ids = {}, {}
  local withWorker = workerId and workerId ~= ''
  for i = 1, #popped / 2 do
    local id = popped[2 * i - 1]
    local jk = jobKey(id)
    if withWorker then
      redis.call('HSET', jk, 'state', 'active', 'token', tokens[i], 'processedAt', now, 'worker', workerId)
    else
      redis.call('HSET', jk, 'state', 'active', 'token', tokens[i], 'processedAt', now)
    end
    ids[i] = id
    active[2 * i - 1] = expiry
    active[2 * i] = id
    local v = redis.call('HMGET', jk, 'payload', 'priority', 'progress', 'attempts', 'maxAttempts',
      'stalled', 'createdAt', 'failedReason')
    publish('ACTIVE', id, (tonumber(v[4]) or 0) + 1)
    claims[i] = {1, id, v}
  end
  if #ids > 0 then
    callChunked('ZADD', K_ACTIVE, active)
    if withWorker then
      callChunked('SADD', workerJobsKey(workerId), ids)
    end
  end
  if #ids < #tokens then
    claims[#ids + 1] = nothingReady()
  end
  return claims
end
