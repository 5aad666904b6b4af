-- wrk script for bench/app_mixed.py: the realistic mix of issue 13.
--   60 % catalogue searches (30 % of them cache misses: rarely repeated query/page-size pairs),
--   25 % signed-in progress writes (PUT) from the sessions below,
--   15 % signed-in progress lists.
-- app_mixed.py prepends `SESSIONS`, `HOT` and `WORDS` tables. Prints one JSON line at the end.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  s2xx, s400, s401, s403, s404, s405, s429, s500, s503, sother = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  searches, misses, writes, lists = 0, 0, 0, 0
  math.randomseed(os.time() + tid * 7919)
end

local function session()
  return SESSIONS[math.random(#SESSIONS)]
end

function request()
  counter = counter + 1
  local r = math.random()
  if r < 0.60 then
    searches = searches + 1
    if math.random() < 0.30 then
      misses = misses + 1
      -- one or two words, first page, a page size of 10-99: ~84,000 distinct keys, so
      -- practically every one of these is a cache miss that reaches PostgreSQL
      local q = WORDS[math.random(#WORDS)]
      if math.random() < 0.5 then q = q .. "+" .. WORDS[math.random(#WORDS)] end
      local size = 10 + ((counter * 7 + tid * 31) % 90)
      return wrk.format("GET", "/api/catalog/books/?q=" .. q .. "&page_size=" .. size)
    end
    return wrk.format("GET", "/api/catalog/books/?q=" .. HOT[math.random(#HOT)])
  elseif r < 0.85 then
    writes = writes + 1
    local s = session()
    local book = s.books[math.random(#s.books)]
    local headers = {
      ["Cookie"] = "sessionid=" .. s.sid .. "; csrftoken=" .. s.csrf,
      ["X-CSRFToken"] = s.csrf,
      ["Content-Type"] = "application/json",
    }
    return wrk.format("PUT", "/api/reading/progress/" .. book .. "/", headers, '{"percent": ' .. math.random(0, 100) .. '}')
  end
  lists = lists + 1
  return wrk.format("GET", "/api/reading/progress/", {["Cookie"] = "sessionid=" .. session().sid})
end

function response(status, headers, body)
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 400 then s400 = s400 + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 403 then s403 = s403 + 1
  elseif status == 404 then s404 = s404 + 1
  elseif status == 405 then s405 = s405 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status == 500 then s500 = s500 + 1
  elseif status == 503 then s503 = s503 + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local names = {"s2xx", "s400", "s401", "s403", "s404", "s405", "s429", "s500", "s503", "sother", "searches", "misses", "writes", "lists"}
  local totals = {}
  for _, n in ipairs(names) do totals[n] = 0 end
  for _, t in ipairs(threads) do
    for _, n in ipairs(names) do totals[n] = totals[n] + t:get(n) end
  end
  local e = summary.errors
  local parts = {}
  for _, n in ipairs(names) do table.insert(parts, string.format('"%s":%d', n, totals[n])) end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"socket_errors":%d,%s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, table.concat(parts, ",")))
end
