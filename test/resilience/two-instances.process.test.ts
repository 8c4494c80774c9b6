// Two portal instances on one Redis server (TEST_REDIS_URL or REDIS_URL; skipped loudly without it, except in CI
// where that is an error): the tests are in two-instances.suite.ts, shared with the Redis Cluster run.
import { cleanupRedisPrefix, uniquePrefix } from '../store/helpers.js';
import { redisUrlOrSkip } from './support.js';
import { twoInstanceSuite } from './two-instances.suite.js';

const redis = redisUrlOrSkip();
const prefix = uniquePrefix('two-instances');

twoInstanceSuite({
  skip: redis.skip,
  redisEnv: () => ({ REDIS_URL: redis.url!, REDIS_KEY_PREFIX: prefix }),
  cleanup: () => cleanupRedisPrefix(redis.url!, prefix),
});
