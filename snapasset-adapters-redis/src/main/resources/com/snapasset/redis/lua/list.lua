-- ARGV: state, offset, limit. Returns {id1, fields1, id2, fields2, ...}.
local state, first = ARGV[1], tonumber(ARGV[2])
local last = first + tonumber(ARGV[3]) - 1
local ids
if state == 'waiting' then
  ids = redis.call('ZRANGE', K_WAIT, first, last)
elseif state == 'delayed' then
  ids = redis.call('ZRANGE', K_DELAYED, first, last)
elseif state == 'active' then
  ids = redis.call('ZRANGE', K_ACTIVE, first, last)
elseif state == 'completed' then
  ids = redis.call('ZREVRANGE', K_COMPLETED, first, last)
else
  ids = redis.call('ZREVRANGE', K_FAILED, first, last)
end
local out = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', jobKey(id))
  if #fields > 0 then
    out[#out + 1] = id
    out[#out + 1] = fields
  end
end
return out
