-- wrk: spread requests over the paths listed in a file (one a line), e.g. many articles, so a
-- cold run meets many different rows as a real cold cache would.
--   wrk -s spread.lua http://127.0.0.1:8160 -- paths.txt
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")

local thread_count = 0
setup = function(thread)
  thread:set("number", thread_count)
  thread_count = thread_count + 1
end

local paths = {}
local next_index = 0

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- Threads start at different places in the list.
  next_index = (tonumber(wrk.thread:get("number")) or 0) * 7919 % #paths
end

request = function()
  next_index = next_index % #paths + 1
  return wrk.format(nil, paths[next_index])
end
