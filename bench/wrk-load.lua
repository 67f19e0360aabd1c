-- The wrk side of bench/lib.sh's http_load (LOAD=wrk): the same requests HttpLoad sends and the same
-- RESULT line it prints, from wrk's C event loop instead of a JVM. Why both: on this 2-core machine the
-- load generator shares the cores with the service it measures; HttpLoad's 50-200 JVM threads take
-- more of them than the service's cheapest answers do, while wrk's two threads take a small part.
--
--   wrk -t2 -c50 -d20s -s bench/wrk-load.lua http://127.0.0.1:8080 -- \
--       url=/api/articles/{id}?strategy=none ids=1-1000 method=GET count=X-Cache fail=404,5xx max_fail=0.01 \
--       headers=tokens.txt body=
--
-- Arguments (key=value after --): url (a path; {id} becomes a random id from ids), ids (A-B), method,
-- body, headers (a file of 'K: V' lines; each request carries the next line, every thread starting at
-- its own offset, so with one line per user every user keeps claiming), count (a response header
-- whose values are counted), fail (statuses or classes that count as failures), max_fail (ratio; above
-- it the run exits 3, as HttpLoad does). Connection errors and timeouts always count as failures.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local opts, lines, next_line, lo, hi, method, body, count_header, count_lower
-- globals, so done() (which runs in wrk's main Lua state, where init never ran) can read them per thread
statuses, counted, fail_rules, max_fail = {}, {}, "404,5xx", "0.01"

local function parse(args)
  local o = {}
  for _, a in ipairs(args) do
    local k, v = a:match("^([%w_]+)=(.*)$")
    if k then o[k] = v end
  end
  return o
end

function init(args)
  opts = parse(args)
  fail_rules = opts.fail or fail_rules
  max_fail = opts.max_fail or max_fail
  local a, b = (opts.ids or "1-1"):match("^(%d+)-(%d+)$")
  lo, hi = tonumber(a), tonumber(b)
  method = opts.method or "GET"
  body = (opts.body ~= nil and opts.body ~= "") and opts.body or (method ~= "GET" and "" or nil)
  count_header = opts.count ~= "" and opts.count or nil
  count_lower = count_header and count_header:lower()
  lines = {}
  if opts.headers and opts.headers ~= "" then
    for l in io.lines(opts.headers) do
      local k, v = l:match("^([^:]+):%s*(.*)$")
      if k then table.insert(lines, { [k] = v }) end
    end
  end
  local tid = tonumber(wrk.thread:get("tid")) or 1
  math.randomseed(os.time() * 1000 + tid)
  next_line = #lines > 0 and ((tid - 1) * 7919) % #lines or 0
end

function request()
  local path = opts.url:gsub("{id}", function() return tostring(math.random(lo, hi)) end)
  local headers = nil
  if #lines > 0 then
    headers = lines[next_line + 1]
    next_line = (next_line + 1) % #lines
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, _)
  statuses[status] = (statuses[status] or 0) + 1
  if count_header then
    local v = headers[count_header]
    if not v then -- header names are case-insensitive (the JDK's server sends X-cache)
      for k, hv in pairs(headers) do
        if k:lower() == count_lower then v = hv break end
      end
    end
    if v then counted[v] = (counted[v] or 0) + 1 end
  end
end

local function fails(status, rules)
  for rule in rules:gmatch("[^,]+") do
    if rule:match("^%dxx$") then
      if math.floor(status / 100) == tonumber(rule:sub(1, 1)) then return true end
    elseif tonumber(rule) == status then
      return true
    end
  end
  return false
end

function done(summary, latency, _)
  local rules, limit = threads[1]:get("fail_rules"), tonumber(threads[1]:get("max_fail"))
  local all, heads = {}, {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("statuses") or {}) do all[s] = (all[s] or 0) + n end
    for v, n in pairs(t:get("counted") or {}) do heads[v] = (heads[v] or 0) + n end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local failures, requests = errors, summary.requests
  local parts = {}
  local codes = {}
  for s in pairs(all) do table.insert(codes, s) end
  table.sort(codes)
  for _, s in ipairs(codes) do
    if fails(s, rules) then failures = failures + all[s] end
    table.insert(parts, string.format("status_%d=%d", s, all[s]))
  end
  for v, n in pairs(heads) do table.insert(parts, string.format("header_%s=%d", v, n)) end
  local seconds = summary.duration / 1e6
  local ratio = requests > 0 and failures / requests or 1
  local ms = function(p) return latency:percentile(p) / 1000 end
  io.write(string.format("wrk: %d requests in %.3f s, %.1f req/s, p50 %.3f ms, p99 %.3f ms, max %.3f ms, %d errors, %d failures\n",
    requests, seconds, requests / seconds, ms(50), ms(99), latency.max / 1000, errors, failures))
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d failures=%d fail_ratio=%.4f %s\n",
    requests, seconds, requests / seconds, ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000,
    errors, failures, ratio, table.concat(parts, " ")))
  if requests == 0 or ratio > limit then
    io.stderr:write(string.format("wrk-load: %d of %d requests failed (limit %s)\n", failures, requests, limit))
    os.exit(3)
  end
end
