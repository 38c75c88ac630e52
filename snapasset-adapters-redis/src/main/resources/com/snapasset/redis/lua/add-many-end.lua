-- After the adds of add-many.lua: what they owe, one command each.
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
