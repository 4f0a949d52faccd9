-- Shared by the wrk scripts: one machine-readable line,
--   RESULT <successes/s> <p50 ms> <p99 ms> <errors> <answers> <status> <connect> <read> <write> <timeout>
-- bench/run reads the fields in this order (the first five as before; the rate was all answers/s
-- until issue 16). A success is an answer below 400 within wrk's --timeout: wrk counts answers of
-- 400 and above as status errors (a 3xx would pass; no path here redirects) and an answer past the
-- timeout as a timeout, as it also does for each check that finds a connection still waiting, so
-- with timeouts the rate is a lower bound. errors: status + connect + read + write + timeout, the
-- socket errors never being answers. p50/p99 are wrk's, over the answers within the timeout (error
-- answers included).

-- Every request carries the bench's bearer token (an admin's: not rate-limited), as clients must.
local token = os.getenv("BENCH_TOKEN")
if token then
  wrk.headers["Authorization"] = "Bearer " .. token
end
done = function(summary, latency, requests)
  local e = summary.errors
  local successes = math.max(0, summary.requests - e.status - e.timeout)
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d %d %d %d %d\n",
    successes / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout, summary.requests,
    e.status, e.connect, e.read, e.write, e.timeout))
end
