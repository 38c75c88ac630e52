-- After the adds of add-many.lua: what they owe, one command each. This runs outside the adds'
-- pcall: an error here would fail the whole call, with the adds' hashes written but the wait entries
-- and tokens owed after it lost (and its caller told none was added). None of the three can fail:
-- INCRBY: the first INCR proved the seq an integer, and owing stops beyond ±2^52, far from overflow.
-- ZADD: the first ZADD proved the wait set a zset, and only scores ZADD takes are owed.
-- LPUSH: LLEN proved the wake list a list, or the queue is paused and nothing is owed.
-- Their arguments are bounded by MAX_COMBINED (64) adds. Out of memory: Redis refuses only a
-- script's first write, and this always follows the first INCR.
if owedSeqs > 0 then
  redis.call('INCRBY', K_SEQ, owedSeqs)
end
if owedWait and #owedWait > 0 then
  callChunked('ZADD', K_WAIT, owedWait)
end
if owedWakes > 0 then
  local tokens = {}
  for i = 1, owedWakes do
    tokens[i] = '1'
  end
  redis.call('LPUSH', K_WAKE, unpack(tokens))
end
