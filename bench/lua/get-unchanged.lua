-- GET of the URL given on the command line with If-None-Match: BENCH_ETAG (the view's current tag):
-- answered 304 without a body while the view is unchanged.
dofile(os.getenv("BENCH_DIR") .. "/lua/report.lua")
wrk.headers["If-None-Match"] = os.getenv("BENCH_ETAG")
