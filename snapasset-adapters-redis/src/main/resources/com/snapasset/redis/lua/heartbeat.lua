-- ARGV: workerId, expiresAt ('' to leave)
if ARGV[2] == '' then
  redis.call('ZREM', K_WORKERS, ARGV[1])
  redis.call('DEL', workerJobsKey(ARGV[1]))
  return 1
end
redis.call('ZADD', K_WORKERS, ARGV[2], ARGV[1])
return 1
