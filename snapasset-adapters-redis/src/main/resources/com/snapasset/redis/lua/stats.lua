-- Returns {waiting, active, completed, failed, delayed, paused, earliestDelayedScore or ''}.
local next = redis.call('ZRANGE', K_DELAYED, 0, 0, 'WITHSCORES')
return {redis.call('ZCARD', K_WAIT), redis.call('ZCARD', K_ACTIVE),
  redis.call('ZCARD', K_COMPLETED), redis.call('ZCARD', K_FAILED),
  redis.call('ZCARD', K_DELAYED), redis.call('EXISTS', K_PAUSED), next[2] or ''}
