-- GET of the URL given on the command line.
dofile(os.getenv("BENCH_DIR") .. "/lua/report.lua")
