-- ARGV: token, now ('' = Redis's own clock), lockMillis, rateMax (0 = no limit), rateWindowMillis,
-- workerId ('' = none)
-- Returns what claimNext (lib-claim.lua) returns, telling when it took the last ready job.
-- The clock is Redis's when the call was sent before a BLPOP it runs after (awaitWorkAndClaim):
-- the caller's time then would be as old as the wait was long.
local now = tonumber(ARGV[2])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
return claimNext(ARGV[1], now, ARGV[3], ARGV[4], ARGV[5], ARGV[6], true)
