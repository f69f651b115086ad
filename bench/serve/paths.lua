-- wrk script: each thread cycles through the request paths listed in $PATHS_FILE (one a line),
-- starting at a different place, so that every connection asks for many different tiles.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  paths[#paths + 1] = line
end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
