-- For awaitWork: {paused (1 or 0), the earliest delayed job's due time or ''}.
local next = redis.call('ZRANGE', K_DELAYED, 0, 0, 'WITHSCORES')
return {redis.call('EXISTS', K_PAUSED), next[2] or ''}
