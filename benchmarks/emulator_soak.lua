-- wrk script for benchmarks.emulator_soak: POST the page-view body given as the first script argument to the
-- URL's path, and close the connection after every CLOSE_EVERY-th request (wrk then opens a new one), so that a
-- soak exercises the emulator's connection set-up and teardown too, not only keep-alive requests.
local CLOSE_EVERY = 100
local keep, close
local sent = 0

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  keep = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
  close = wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Connection"] = "close" }, body)
end

function request()
  sent = sent + 1
  if sent % CLOSE_EVERY == 0 then
    return close
  end
  return keep
end
