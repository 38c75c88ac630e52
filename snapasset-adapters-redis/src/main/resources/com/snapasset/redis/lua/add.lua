-- ARGV: id, payload, priority, maxAttempts, keepCompleted, keepFailed, now
-- A combined call of three adds or more runs add-many.lua instead, which repeats this body: keep
-- the two alike (CombinedAddTest compares them).
-- Returns {1} when added, {0, fields} with the existing job's hash otherwise.
local id = ARGV[1]
local jk = jobKey(id)
if redis.call('EXISTS', jk) == 1 then
  return {0, redis.call('HGETALL', jk)}
end
local seq = redis.call('INCR', K_SEQ)
-- progress, attempts and stalled are 0 while absent.
redis.call('HSET', jk, 'payload', ARGV[2], 'state', 'waiting', 'priority', ARGV[3], 'seq', seq,
  'maxAttempts', ARGV[4], 'createdAt', ARGV[7], 'keepCompleted', ARGV[5], 'keepFailed', ARGV[6])
redis.call('ZADD', K_WAIT, waitScore(ARGV[3], seq), id)
wakeOne()
publish('ADDED', id, 0)
return {1}
