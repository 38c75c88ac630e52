-- For scripts whose combined form (LuaScript.combined) runs beginCombined, its calls, then
-- endCombined: what the calls owe through nextSeq, addToWait and wakeOneLater is sent once at the
-- end, in one command each, instead of once per call. The same result, as the calls using them
-- read neither the seq counter, the wait set, the pause flag nor the wake list otherwise, and the
-- script runs alone (a worker sees a token only after it, with every job in the wait set). Each
-- sends its first command as one call would, so an error of that key (wrong type, not an integer)
-- fails the same calls as one by one; what a call owed before it failed is still sent, as one by
-- one. Outside a combined call (or in one of fewer than four calls), each sends its command at once.
-- A table, so that each function below captures one upvalue for it (the closures are made on
-- every run of the script): nil outside a combined call, else
-- {seq = the last seq given once the first INCR went through, seqs = how many given since,
--  wait = the wait set's entries owed {score, id, ...} once the first ZADD went through,
--  wakes = tokens owed, room = how many the wake list takes, read where the first wakeOne would}.
local owed = nil

-- INCR of the queue's seq.
local function nextSeq()
  local o = owed
  if o and o.seq then
    o.seq = o.seq + 1
    o.seqs = o.seqs + 1
    return o.seq
  end
  local seq = redis.call('INCR', K_SEQ)
  -- Below 2^53 a Lua number counts exactly, as INCR does; beyond it every call sends its INCR.
  if o and seq < 4503599627370496 then
    o.seq = seq
  end
  return seq
end

-- ZADD of one job to the wait set.
local function addToWait(score, id)
  local o = owed
  local wait = o and o.wait
  if wait then
    wait[#wait + 1] = score
    wait[#wait + 1] = id
    return
  end
  redis.call('ZADD', K_WAIT, score, id)
  if o then
    o.wait = {}
  end
end

-- wakeOne: the same number of tokens, as pushes one by one stop at MAX_WAKE.
local function wakeOneLater()
  local o = owed
  if not o then
    wakeOne()
    return
  end
  if not o.room then
    local room = 0
    if redis.call('EXISTS', K_PAUSED) == 0 then
      room = MAX_WAKE - redis.call('LLEN', K_WAKE)
    end
    o.room = room
  end
  if o.wakes < o.room then
    o.wakes = o.wakes + 1
  end
end

local function beginCombined()
  -- Every field at once: the table is sized once, not grown field by field.
  owed = {seq = false, seqs = 0, wait = false, wakes = 0, room = false}
end

local function endCombined()
  local o = owed
  owed = nil
  if o.seqs > 0 then
    redis.call('INCRBY', K_SEQ, o.seqs)
  end
  if o.wait and #o.wait > 0 then
    callChunked('ZADD', K_WAIT, o.wait)
  end
  if o.wakes > 0 then
    local tokens = {}
    for i = 1, o.wakes do
      tokens[i] = '1'
    end
    redis.call('LPUSH', K_WAKE, unpack(tokens))
  end
end
