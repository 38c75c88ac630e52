-- ARGV: id
local jk = jobKey(ARGV[1])
if redis.call('HGET', jk, 'state') ~= 'active' then
  return 0
end
redis.call('HSET', jk, 'cancel', '1')
publish('CANCEL_REQUESTED', ARGV[1], 0)
-- Again on a channel of its own, for workers that hear only cancellations (RedisJobQueue.subscribe).
redis.call('PUBLISH', prefix .. 'cancel-events', 'CANCEL_REQUESTED|0|' .. ARGV[1])
return 1
