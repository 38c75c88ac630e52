/**
 * Redis adapters: {@link com.snapasset.redis.RedisJobQueue}, a durable job queue that many worker
 * JVMs share (every state change one atomic Lua script), and {@link
 * com.snapasset.redis.RedisBaseImageCache}. Both run on Jedis; Jedis exceptions never leave this
 * package.
 */
@NullMarked
package com.snapasset.redis;

import org.jspecify.annotations.NullMarked;
