-- wrk: POST a streamed chat completion on every connection: 108 SSE frames (106 content deltas,
-- the finish and usage chunks, [DONE]) paced by the server's --stream-interval-ms.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"temperature":0,'
  .. '"messages":[{"role":"user","content":"Describe a busy city market"}]}'
