-- ARGV: id, token, now, result
return completeJob(ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4])
