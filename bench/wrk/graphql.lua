-- wrk script for bench/run: POSTs GraphQL requests and counts bad responses.
--
-- Query mode (BODY_FILE=path): every request POSTs that JSON body as is.
-- Mutation mode (SET_FILE, CREATE_FILE): requests alternate between the two
--   JSON bodies, with __USER__ replaced by a random user id in 1..USERS and
--   __PROFILE__ by a random profile id in 1..PROFILES. The random sequence of
--   each wrk thread is seeded by its number, so every contender gets the same
--   sequence of ids.
-- Every response is checked: a status other than 200, or a body with an
-- "errors" key, is counted. done() prints one line `WRK_JSON {...}` with the
-- counts, the first bad response (shortened) and latency percentiles
-- (microseconds) for bench/lib/harness.py.

local function slurp(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

local mutation = os.getenv("SET_FILE") ~= nil
local set_body, create_body, users, profiles, n

if mutation then
  set_body = slurp(os.getenv("SET_FILE"))
  create_body = slurp(os.getenv("CREATE_FILE"))
  users = tonumber(os.getenv("USERS") or "10000")
  profiles = tonumber(os.getenv("PROFILES") or "8000")
  n = 0
  -- Defining request() makes wrk build each request in Lua (dynamic mode).
  function request()
    n = n + 1
    local body
    if n % 2 == 1 then
      body = set_body:gsub("__USER__", tostring(math.random(users)))
                     :gsub("__PROFILE__", tostring(math.random(profiles)))
    else
      body = create_body:gsub("__USER__", tostring(math.random(users)))
    end
    return wrk.format(nil, nil, nil, body)
  end
else
  wrk.body = slurp(os.getenv("BODY_FILE"))
end

function init(args)
  non200 = 0
  gql_errors = 0
  first_error = ""
  math.randomseed(1000 + (thread_no or 0))
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif body:find('"errors"', 1, true) then
    gql_errors = gql_errors + 1
  else
    return
  end
  if first_error == "" then
    first_error = "HTTP " .. status .. ": " .. body:sub(1, 400)
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

function done(summary, latency, requests)
  local bad, errs, sample = 0, 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
    errs = errs + (t:get("gql_errors") or 0)
    if sample == "" then
      sample = t:get("first_error") or ""
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non200":%d,"graphql_errors":%d,"first_error":%s,'
      .. '"socket_errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes, bad, errs, json_string(sample),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
