-- ARGV: token, now, lockMillis, rateMax (0 = no limit), rateWindowMillis, workerId ('' = none)
-- Returns what claimNext (lib-claim.lua) returns, telling when it took the last ready job.
return claimNext(ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6], true)
