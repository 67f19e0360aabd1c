-- Decide a claim and enqueue it, atomically. Every key comes through KEYS (all share the coupon's
-- hash tag), nothing is built here.
-- KEYS[1] stock (string)  KEYS[2] users (hash user -> claim)  KEYS[3] window (hash begin,end in ms)
-- KEYS[4] claim stream
-- ARGV[1] user id  ARGV[2] claim number  ARGV[3] now (epoch ms)  ARGV[4] coupon id
-- Returns {code, claim}: 1 accepted, 0 already claimed (with the earlier claim), -1 sold out,
-- -2 before the window, -3 after the window, -4 coupon not loaded in Redis (window or stock missing:
-- the caller reloads it from the database and asks again).
local window = redis.call('HMGET', KEYS[3], 'begin', 'end')
local stock = redis.call('GET', KEYS[1])
if not window[1] or not window[2] or not stock then
  return {-4, ''}
end
local now = tonumber(ARGV[3])
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
