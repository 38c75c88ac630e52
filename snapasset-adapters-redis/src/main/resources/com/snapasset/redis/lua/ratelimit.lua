-- ARGV: now, millis
-- Holds back every claim until now + millis; a later hold in force is kept.
local untilMs = tonumber(ARGV[1]) + tonumber(ARGV[2])
local current = redis.call('GET', K_HOLD)
if current and tonumber(current) >= untilMs then
  return 0
end
-- The expiry only tidies up; claims compare the stored time with their own clock.
redis.call('SET', K_HOLD, untilMs, 'PX', tonumber(ARGV[2]) + 60000)
return 1
