-- ARGV: id, token, now, result
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
if not holds(jk, id, ARGV[2], now) then
  return 0
end
leaveActive(jk, id)
redis.call('HINCRBY', jk, 'attempts', 1)
redis.call('HSET', jk, 'state', 'completed', 'result', ARGV[4], 'finishedAt', now, 'progress', 100)
redis.call('ZADD', K_COMPLETED, now, id)
publish('COMPLETED', id, 0, ARGV[4])
trim(K_COMPLETED, redis.call('HGET', jk, 'keepCompleted'))
return 1
