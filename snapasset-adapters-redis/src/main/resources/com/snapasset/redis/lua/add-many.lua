-- The body of add.lua for a combined call of many adds (LuaScript.withMany): the seq's INCR, the
-- wait set's ZADD and the wake tokens are owed by each add and sent once for all at the end
-- (add-many-end.lua). The same result, as adds read neither the seq counter, the wait set, the
-- pause flag nor the wake list otherwise, and the script runs alone (a worker sees a token only
-- after it, with every job in the wait set). The first INCR and ZADD go as one add's, so an error
-- of that key (wrong type, not an integer) fails the same adds as one by one; what an add owed
-- before it failed is still sent, as one by one.
-- Keep it doing what add.lua does: CombinedAddTest compares the two.
-- From three adds: for fewer, owing costs Redis more than it saves, and the plain body runs, at its
-- cost alone; either way the result is the same. Callgrind, redis-server 7.0, Redis instructions
-- against the combined form without this file, whole process / script only: 1 add +0.5% / +0.6%,
-- 2 adds +0.4% / +0.3%, 3 adds -4.3% / -5.0%, 25 adds -15.5% / -18.9%, 64 adds -16.3% / -19.9%.
-- In ARGV an add takes its count and its 7 arguments.
local combinedMany = #ARGV >= 3 * (1 + 7)
-- Plain locals, not a table or helper functions: nothing here is made unless the call is many.
-- owedSeq: the last seq given, once the first INCR went through; owedSeqs: how many given since;
-- owedWait: the wait set's entries {score, id, ...}, once the first ZADD went through; owedWakes:
-- tokens owed; owedRoom: how many tokens the wake list takes, read where the first wakeOne would.
local owedSeq, owedSeqs, owedWait, owedWakes, owedRoom
if combinedMany then
  owedSeqs = 0
  owedWakes = 0
  one = function(ARGV)
    local id = ARGV[1]
    local jk = jobKey(id)
    if redis.call('EXISTS', jk) == 1 then
      return {0, redis.call('HGETALL', jk)}
    end
    local seq
    if owedSeq then
      owedSeq = owedSeq + 1
      owedSeqs = owedSeqs + 1
      seq = owedSeq
    else
      seq = redis.call('INCR', K_SEQ)
      -- A Lua number (a double) counts exactly as INCR does up to ±2^53; owing only within ±2^52
      -- leaves room for the owed increments and keeps the end's INCRBY far from overflow. Beyond it,
      -- on either side, every add sends its INCR.
      if seq > -4503599627370496 and seq < 4503599627370496 then
        owedSeq = seq
      end
    end
    redis.call('HSET', jk, 'payload', ARGV[2], 'state', 'waiting', 'priority', ARGV[3], 'seq', seq,
      'maxAttempts', ARGV[4], 'createdAt', ARGV[7], 'keepCompleted', ARGV[5], 'keepFailed', ARGV[6])
    local score = waitScore(ARGV[3], seq)
    -- Owed only a score ZADD takes (±inf it does, NaN it refuses): a NaN's ZADD fails here, in this
    -- add's pcall as one by one, not at the end for all (a priority "nan" only a direct EVALSHA gives).
    if owedWait and score == score then
      owedWait[#owedWait + 1] = score
      owedWait[#owedWait + 1] = id
    else
      redis.call('ZADD', K_WAIT, score, id)
      owedWait = {}
    end
    -- wakeOne: the same number of tokens, as pushes one by one stop at MAX_WAKE.
    if not owedRoom then
      -- Set only once read: a wake list of the wrong type fails every add, as one by one.
      local room = 0
      if redis.call('EXISTS', K_PAUSED) == 0 then
        room = MAX_WAKE - redis.call('LLEN', K_WAKE)
      end
      owedRoom = room
    end
    if owedWakes < owedRoom then
      owedWakes = owedWakes + 1
    end
    -- '0', not 0: the same text, which Lua would otherwise format from a number on every add.
    publish('ADDED', id, '0')
    return {1}
  end
end
