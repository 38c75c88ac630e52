-- Shared by every script; prepended to each at load time.
-- KEYS[1] is the queue's key prefix, e.g. "snapasset:{images}:". Every key below derives from it,
-- so all of them share the prefix's hash tag and live in one Redis Cluster slot.
local prefix = KEYS[1]
local K_WAIT = prefix .. 'wait'
local K_DELAYED = prefix .. 'delayed'
local K_ACTIVE = prefix .. 'active'
local K_COMPLETED = prefix .. 'completed'
local K_FAILED = prefix .. 'failed'
local K_SEQ = prefix .. 'seq'
local K_PAUSED = prefix .. 'paused'
local K_WAKE = prefix .. 'wake'
local K_LIMITER = prefix .. 'limiter'
local K_SWEEP = prefix .. 'sweep-guard'
local K_EVENTS = prefix .. 'events'
local K_HOLD = prefix .. 'hold'
local K_WORKERS = prefix .. 'workers'
-- Wake tokens beyond this many only cause spurious wake-ups.
local MAX_WAKE = 64
-- Bounds the work of one script call (Redis runs scripts alone).
local BATCH = 1000

-- Lua's unpack() fails ("too many results to unpack") at about 8,000 values: a command given a
-- list of any length takes it in parts of CHUNK values. CHUNK is even, so ZADD's score/member pairs
-- stay together; a worker's usual batch (a few jobs) is still one command.
local CHUNK = 1000

local function callChunked(cmd, key, items)
  for i = 1, #items, CHUNK do
    redis.call(cmd, key, unpack(items, i, math.min(i + CHUNK - 1, #items)))
  end
end

local function jobKey(id)
  return prefix .. 'job:' .. id
end

-- Priority in the high part, insertion order in the low 32 bits: ZPOPMIN serves the lowest
-- priority first and FIFO within one. Exact in a double for |priority| <= 2^20.
local function waitScore(priority, seq)
  return tonumber(priority) * 4294967296 + (tonumber(seq) % 4294967296)
end

local function publish(kind, id, number, data)
  local msg = kind .. '|' .. number .. '|' .. id
  if data then
    msg = msg .. '|' .. data
  end
  redis.call('PUBLISH', K_EVENTS, msg)
end

-- Lets one more blocked awaitWork return, unless the queue is paused (resume wakes them).
local function wakeOne()
  if redis.call('EXISTS', K_PAUSED) == 0 and redis.call('LLEN', K_WAKE) < MAX_WAKE then
    redis.call('LPUSH', K_WAKE, '1')
  end
end

local function toWait(id, jk, newSeq)
  local prio, seq = unpack(redis.call('HMGET', jk, 'priority', 'seq'))
  if newSeq then
    seq = redis.call('INCR', K_SEQ)
  end
  redis.call('HSET', jk, 'state', 'waiting', 'seq', seq)
  redis.call('ZADD', K_WAIT, waitScore(prio, seq), id)
end

-- Keeps the newest `keep` jobs of a finished set (-1 keeps all).
local function trim(setKey, keep)
  keep = tonumber(keep)
  if keep == nil or keep < 0 then
    return
  end
  local excess = redis.call('ZCARD', setKey) - keep
  if excess <= 0 then
    return
  end
  if excess > BATCH then
    excess = BATCH
  end
  local ids = redis.call('ZRANGE', setKey, 0, excess - 1)
  for _, old in ipairs(ids) do
    redis.call('DEL', jobKey(old))
  end
  redis.call('ZREMRANGEBYRANK', setKey, 0, excess - 1)
end

-- When `token` holds the unexpired lock of active job `id`: the job's values of the extra
-- fields asked for, after state and token. Otherwise nil.
local function held(jk, id, token, now, ...)
  local v = redis.call('HMGET', jk, 'state', 'token', ...)
  if v[1] ~= 'active' or v[2] ~= token then
    return nil
  end
  local expiry = redis.call('ZSCORE', K_ACTIVE, id)
  if not expiry or tonumber(expiry) < now then
    return nil
  end
  return v
end

-- The set of active jobs a worker holds, for taking them over when its heartbeat runs out.
local function workerJobsKey(workerId)
  return prefix .. 'wjobs:' .. workerId
end

-- `worker` is the job's worker field when the caller already read it (false when absent), else nil.
-- left: when given (completeclaimall's {active = {}, workers = {}, completed = {}}), the job's
-- removal from the active set and its worker's set is only noted in left.active and left.workers,
-- for the caller (leaveActiveAll) to make for every job of its call at once; left.completed is
-- completeJob's, not read here.
local function leaveActive(jk, id, worker, left)
  if worker == nil then
    worker = redis.call('HGET', jk, 'worker')
  end
  redis.call('HDEL', jk, 'token', 'cancel', 'worker')
  if left then
    left.active[#left.active + 1] = id
    if worker then
      local ids = left.workers[worker]
      if not ids then
        ids = {}
        left.workers[worker] = ids
      end
      ids[#ids + 1] = id
    end
    return
  end
  if worker then
    redis.call('SREM', workerJobsKey(worker), id)
  end
  redis.call('ZREM', K_ACTIVE, id)
end
