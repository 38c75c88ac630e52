-- ARGV: state ('completed' or 'failed'), cutoff (finished at or before), limit
local setKey = ARGV[1] == 'completed' and K_COMPLETED or K_FAILED
local ids = redis.call('ZRANGEBYSCORE', setKey, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('DEL', jobKey(id))
  publish('REMOVED', id, 0)
end
if #ids > 0 then
  callChunked('ZREM', setKey, ids)
end
return #ids
