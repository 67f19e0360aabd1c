-- Decide a claim and enqueue it, atomically. Every key comes through KEYS (all share the coupon's
-- hash tag), nothing is built here.
-- KEYS[1] stock (string)  KEYS[2] users (hash user -> claim)  KEYS[3] window (hash begin,end in ms)
-- KEYS[4] claim stream  KEYS[5] this user's recent requests for this coupon (sorted set: time -> claim)
-- ARGV[1] user id  ARGV[2] claim number  ARGV[3] now (epoch ms)  ARGV[4] coupon id
-- ARGV[5] requests allowed per user per interval (0: no limit)  ARGV[6] the interval in ms
-- Returns {code, claim}: 1 accepted, 0 already claimed (with the earlier claim), -1 sold out,
-- -2 before the window, -3 after the window, -4 coupon not loaded in Redis (window or stock missing:
-- the caller reloads it from the database and asks again; nothing was counted), -5 rate limited.
-- The whole decision is this one script, one round trip: the rate limit is a sliding window (a
-- request counts while it is younger than the interval), checked first so a client hammering the
-- endpoint is refused before anything else is read.
local window = redis.call('HMGET', KEYS[3], 'begin', 'end')
local stock = redis.call('GET', KEYS[1])
if not window[1] or not window[2] or not stock then
  return {-4, ''}
end
local now = tonumber(ARGV[3])
local permits = tonumber(ARGV[5])
if permits > 0 then
  local interval = tonumber(ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - interval)
  if redis.call('ZCARD', KEYS[5]) >= permits then
    return {-5, ''}
  end
  redis.call('ZADD', KEYS[5], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[5], interval)
end
if now < tonumber(window[1]) then
  return {-2, ''}
end
if now > tonumber(window[2]) then
  return {-3, ''}
end
local earlier = redis.call('HGET', KEYS[2], ARGV[1])
if earlier then
  return {0, earlier}
end
if tonumber(stock) <= 0 then
  return {-1, ''}
end
redis.call('DECR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[4], '*', 'claim', ARGV[2], 'coupon', ARGV[4], 'user', ARGV[1])
return {1, ARGV[2]}
