// Failing is not enough: it must fail because Jedis was managed below what the adapter needs.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('RequireUpperBoundDeps') : 'expected the upper-bounds rule to fail'
assert log =~ /redis\.clients:jedis:6\.0\.0/ : 'expected Jedis 6.0.0 from Spring Boot named in the failure'
assert log.contains('redis.clients:jedis:8.0.2') : 'expected the 8.0.2 the Redis adapter asks for'
return true
