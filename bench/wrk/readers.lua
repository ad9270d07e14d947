-- wrk: readers for the load test. Spreads requests over the paths in a file (like spread.lua)
-- and counts answers by status class, printed with the figures (WRKJSON ... "status": {...}).
--   wrk -s readers.lua http://127.0.0.1:8162 -- paths.txt
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "spread.lua")

local threads = {}
local plain_setup = setup
setup = function(thread)
  plain_setup(thread)
  threads[#threads + 1] = thread
end

s2, s3, s4, s5 = 0, 0, 0, 0
response = function(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

local plain_done = done
done = function(summary, latency, requests)
  local c = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    c[1] = c[1] + thread:get("s2")
    c[2] = c[2] + thread:get("s3")
    c[3] = c[3] + thread:get("s4")
    c[4] = c[4] + thread:get("s5")
  end
  io.write(string.format('STATUSJSON {"2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d}\n',
    c[1], c[2], c[3], c[4]))
  plain_done(summary, latency, requests)
end
