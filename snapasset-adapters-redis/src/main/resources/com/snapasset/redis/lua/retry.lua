-- ARGV: id
local id = ARGV[1]
local jk = jobKey(id)
if redis.call('HGET', jk, 'state') ~= 'failed' then
  return 0
end
redis.call('ZREM', K_FAILED, id)
redis.call('HSET', jk, 'attempts', 0, 'stalled', 0, 'lost', 0, 'progress', 0)
redis.call('HDEL', jk, 'finishedAt', 'failedReason', 'result', 'delayedUntil')
toWait(id, jk, true)
wakeOne()
publish('ADDED', id, 0)
return 1
