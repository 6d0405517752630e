-- wrk script for benchmarks.emulator_throughput: POST the page-view body given as the first script argument
-- (wrk URL -s emulator_post.lua -- BODY_FILE) to the URL's path, with a JSON content type.
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
