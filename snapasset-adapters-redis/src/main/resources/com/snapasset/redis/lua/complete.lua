-- ARGV: id, token, now, result
local id = ARGV[1]
local jk = jobKey(id)
local now = tonumber(ARGV[3])
local v = held(jk, id, ARGV[2], now, 'attempts', 'keepCompleted')
if not v then
  return 0
end
leaveActive(jk, id)
redis.call('HSET', jk, 'state', 'completed', 'result', ARGV[4], 'finishedAt', now, 'progress', 100,
  'attempts', (tonumber(v[3]) or 0) + 1)
redis.call('ZADD', K_COMPLETED, now, id)
publish('COMPLETED', id, 0, ARGV[4])
trim(K_COMPLETED, v[4])
return 1
