-- POST /orders for one user and one product (BENCH_USER, BENCH_PRODUCT); with BENCH_DELAY_MS, each
-- connection waits that long between requests (a paced load for the lag phases).
dofile(os.getenv("BENCH_DIR") .. "/lua/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"user_id":"%s","product_id":"%s","quantity":1}',
  os.getenv("BENCH_USER"), os.getenv("BENCH_PRODUCT"))
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
