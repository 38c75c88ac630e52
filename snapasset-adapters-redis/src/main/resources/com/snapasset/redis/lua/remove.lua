-- ARGV: id
local id = ARGV[1]
local jk = jobKey(id)
local state = redis.call('HGET', jk, 'state')
if not state or state == 'active' then
  return 0
end
local sets = {waiting = K_WAIT, delayed = K_DELAYED, completed = K_COMPLETED, failed = K_FAILED}
redis.call('ZREM', sets[state], id)
redis.call('DEL', jk)
publish('REMOVED', id, 0)
return 1
