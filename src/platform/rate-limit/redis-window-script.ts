/**
 * FixedWindowThrottlerStorage's counting, run inside Redis so that one round trip reads and updates a
 * window atomically for every instance. The window is a hash under KEYS[1] that expires when both the
 * window and any block have ended; the clock is Redis's own, so instances with skewed clocks still
 * agree on when a window ends. ARGV: ttl, limit, block duration (ms). Returns hits and the times to
 * the reset and to the end of the block, in ms from now (negative when there is no block).
 */
export const FIXED_WINDOW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl, limit, blockDuration = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = redis.call('HMGET', KEYS[1], 'hits', 'resetsAt', 'blockedUntil')
local hits, resetsAt, blockedUntil = tonumber(window[1]), tonumber(window[2]), tonumber(window[3])
if not hits or (resetsAt <= now and blockedUntil <= now) then
  hits, resetsAt, blockedUntil = 0, now + ttl, 0
end
if blockedUntil <= now then
  hits = hits + 1
  if hits > limit then blockedUntil = now + blockDuration end
  redis.call('HSET', KEYS[1], 'hits', hits, 'resetsAt', resetsAt, 'blockedUntil', blockedUntil)
  redis.call('PEXPIREAT', KEYS[1], math.max(resetsAt, blockedUntil))
end
return { hits, resetsAt - now, blockedUntil - now }
`;
