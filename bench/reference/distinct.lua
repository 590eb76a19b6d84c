-- wrk: a chat completion with a new user message on every request, as a load test sends: nothing
-- can come from the repeat cache. (nginx, the reference, answers these with its one stored body.)
-- WRK_OFFSET: where the numbering starts (two wrk runs at once must not send the same questions).
local n = tonumber(os.getenv("WRK_OFFSET") or "0")
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"model":"gpt-4o","messages":[{"role":"user","content":"Question ' .. n
    .. ': what should I pack for a weekend in the mountains?"}],"temperature":0}')
end
