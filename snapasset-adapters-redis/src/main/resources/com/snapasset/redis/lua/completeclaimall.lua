-- Completes several jobs, then claims up to m jobs, stopping at the first claim that gets none:
-- a worker whose jobs are very short records a few and takes as many in one round trip.
-- ARGV: now, n, then n triples (id, token, result), m, then m tokens, lockMillis,
-- rateMax (0 = no limit), rateWindowMillis, workerId ('' = none)
-- Returns {{completed (1 or 0) per job}, {what claimNext returns, per claim made}}.
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local completed = {}
local left = {active = {}, workers = {}, completed = {}}
-- Every job's lock expiry with one ZMSCORE (in parts, as callChunked) instead of one ZSCORE each.
local expiries = {}
for from = 1, n, CHUNK do
  local ids = {}
  for i = from, math.min(from + CHUNK - 1, n) do
    ids[#ids + 1] = ARGV[3 + (i - 1) * 3]
  end
  local scores = redis.call('ZMSCORE', K_ACTIVE, unpack(ids))
  for j = 1, #ids do
    expiries[from + j - 1] = scores[j]
  end
end
for i = 1, n do
  local at = 3 + (i - 1) * 3
  completed[i] = completeJob(ARGV[at], ARGV[at + 1], now, ARGV[at + 2], left, expiries[i])
end
leaveActiveAll(left)
local c = 3 + n * 3
local m = tonumber(ARGV[c])
local lockMillis, rateMax, rateWindow, workerId = ARGV[c + m + 1], ARGV[c + m + 2], ARGV[c + m + 3], ARGV[c + m + 4]
local claims = {}
if m > 0 then
  -- Pause, due delayed jobs and hold once for the whole call: no claim changes them, and Redis
  -- runs the script alone. Due delayed jobs are promoted up to BATCH per call.
  local stop = claimGate(now)
  if stop then
    claims[1] = stop
  elseif tonumber(rateMax) <= 0 then
    local tokens = {}
    for i = 1, m do
      tokens[i] = ARGV[c + i]
    end
    claims = claimMany(tokens, now, lockMillis, workerId)
    if claims[1][1] == 1 then
      wakeIfReady()
    end
  else
    for i = 1, m do
      local claim = claimNext(ARGV[c + i], now, lockMillis, rateMax, rateWindow, workerId, false, true)
      claims[i] = claim
      if claim[1] ~= 1 then
        break
      end
    end
    if claims[1][1] == 1 then
      wakeIfReady()
    end
  end
end
return {completed, claims}
