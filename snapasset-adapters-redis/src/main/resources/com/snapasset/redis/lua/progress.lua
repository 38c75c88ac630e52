-- ARGV: id, token, now, progress
local id = ARGV[1]
local jk = jobKey(id)
if not held(jk, id, ARGV[2], tonumber(ARGV[3])) then
  return 0
end
redis.call('HSET', jk, 'progress', ARGV[4])
publish('PROGRESS', id, ARGV[4])
return 1
