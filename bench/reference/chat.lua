-- wrk: POST the same small chat completion request on every connection (CHAT_MODEL overrides gpt-4o).
local model = os.getenv("CHAT_MODEL") or "gpt-4o"
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Hello"}],"temperature":0}'
