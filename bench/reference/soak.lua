-- wrk: what fills every store, a new request each time: stored chat completions with metadata,
-- stored Responses (store is the default) with function tools and input items, conversation
-- turns, and repeats that the repeat cache keeps. WRK_OFFSET: where the numbering starts.
local n = tonumber(os.getenv("WRK_OFFSET") or "0")
local conversation = os.getenv("SOAK_CONVERSATION")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local tools = {}
for k = 1, 50 do
  tools[#tools + 1] = '{"type":"function","name":"f' .. k .. '","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}'
end
tools = table.concat(tools, ",")
request = function()
  n = n + 1
  local kind = n % 4
  if kind == 0 then
    return wrk.format(nil, "/v1/chat/completions", nil, '{"model":"gpt-4o","store":true,"metadata":{"run":"soak","n":"' .. n
      .. '"},"messages":[{"role":"user","content":"Soak ' .. n .. ': what is in the box?"}]}')
  elseif kind == 1 then
    return wrk.format(nil, "/v1/responses", nil, '{"model":"gpt-4.1","tool_choice":"none","tools":[' .. tools
      .. '],"input":[{"role":"user","content":"Soak ' .. n .. '"},{"role":"assistant","content":"ok"},{"role":"user","content":"again ' .. n .. '"}]}')
  elseif kind == 2 and conversation then
    return wrk.format(nil, "/v1/conversations/" .. conversation .. "/items", nil,
      '{"items":[{"role":"user","content":"Soak item ' .. n .. '"}]}')
  else
    return wrk.format(nil, "/v1/chat/completions", nil, '{"model":"gpt-4o","seed":' .. (n % 5000)
      .. ',"messages":[{"role":"user","content":"Repeat me"}]}')
  end
end
