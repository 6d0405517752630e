-- wrk script for benchmarks.trust_accuracy: POST the page-view body given as the first script argument, then
-- print wrk's own p50/p95/p99 (microseconds, from its exact per-µs histogram) and its request count on one line.
local request_bytes

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  request_bytes = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  io.write(string.format("percentiles-us %d %d %d requests %d errors %d\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout))
end
