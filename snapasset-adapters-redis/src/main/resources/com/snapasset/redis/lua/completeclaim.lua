-- Completes a job, then claims the next one (BullMQ's moveToFinished with fetchNext): one round
-- trip per job for a busy worker.
-- ARGV: id, token, now, result, nextToken, lockMillis, rateMax (0 = no limit), rateWindowMillis,
-- workerId ('' = none)
-- Returns {completed (1 or 0), what claimNext returns}.
local now = tonumber(ARGV[3])
local completed = completeJob(ARGV[1], ARGV[2], now, ARGV[4])
return {completed, claimNext(ARGV[5], now, ARGV[6], ARGV[7], ARGV[8], ARGV[9])}
