-- ARGV: token, now, lockMillis, rateMax (0 = no limit), rateWindowMillis, workerId ('' = none)
-- Returns what claimNext (lib-claim.lua) returns, telling when it took the last ready job.
-- now is 't' and an offset in microseconds when the call was sent before a BLPOP it runs after
-- (awaitWorkAndClaim): the caller's time then would be as old as the wait was long, so it is
-- Redis's clock plus the caller's measured offset from it (the caller's clock, read now).
local now = tonumber(ARGV[2])
if now == nil then
  local t = redis.call('TIME')
  local micros = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(string.sub(ARGV[2], 2))
  now = math.floor(micros / 1000)
end
return claimNext(ARGV[1], now, ARGV[3], ARGV[4], ARGV[5], ARGV[6], true)
