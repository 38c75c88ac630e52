-- ARGV: '1' to pause, '0' to resume.
if ARGV[1] == '1' then
  redis.call('SET', K_PAUSED, '1')
  return 1
end
redis.call('DEL', K_PAUSED)
-- Wake as many blocked workers as there are ready jobs (up to MAX_WAKE; claims chain the rest).
local ready = redis.call('ZCARD', K_WAIT) + redis.call('ZCARD', K_DELAYED)
local tokens = redis.call('LLEN', K_WAKE)
while tokens < ready and tokens < MAX_WAKE do
  redis.call('LPUSH', K_WAKE, '1')
  tokens = tokens + 1
end
return 1
