-- ARGV: id
local jk = jobKey(ARGV[1])
if redis.call('HGET', jk, 'state') ~= 'active' then
  return 0
end
redis.call('HSET', jk, 'cancel', '1')
publish('CANCEL_REQUESTED', ARGV[1], 0)
return 1
