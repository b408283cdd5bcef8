-- wrk script for bench/intake: cycles through pre-signed workflow_job bodies (wrk's Lua has no
-- HMAC) and gives every request its own X-GitHub-Delivery id.
local requests = dofile(os.getenv("BENCH_REQUESTS"))
-- Set per wrk run so that a warm-up run and the measured run never share a delivery id.
local run = tonumber(os.getenv("BENCH_RUN") or "0")
local counter = 0
local threads = {}

-- thread_id becomes a global of each thread's own Lua state.
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local delivery = string.format("%08d-0000-4000-8000-%04d%08d", run, thread_id, counter)
  return wrk.format("POST", "/github/webhook", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "workflow_job",
    ["X-GitHub-Delivery"] = delivery,
    ["X-Hub-Signature-256"] = r.sig,
  }, r.body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d non2xx=%d errors=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
