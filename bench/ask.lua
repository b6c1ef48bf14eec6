-- wrk script: POST a rotating set of JSON bodies (one per line of $BENCH_BODIES) and print
-- one machine-readable line with counts, errors and latency percentiles (microseconds).
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local i = 0
local threads = {}

-- Replies outside 2xx, counted in each thread (wrk itself only counts status >= 400).
non2xx = 0

setup = function(thread)
  threads[#threads + 1] = thread
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local points = {}
  for _, p in ipairs({1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99}) do
    points[#points + 1] = string.format("[%g, %d]", p, latency:percentile(p))
  end
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "non2xx_errors": %d, "status_errors": %d, ' ..
    '"connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "bodies": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "percentiles": [%s]}\n',
    summary.requests, summary.duration, bad, e.status, e.connect, e.read, e.write, e.timeout,
    #bodies, latency.max, latency.mean, table.concat(points, ", ")))
end
