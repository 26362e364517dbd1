-- bench/intake.py's client: wrk POSTs a new story per request (each numbered, so none is an
-- exact copy), counts every answer that is not 201, and prints one line bench/intake.py reads.
-- Arguments after "--": the first story number, the number of threads, and optionally a file of
-- precomputed proof-of-work solutions (one per line), each thread taking every n-th.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad, exhausted, sent = 0, 0, 0
  number = tonumber(args[1] or "0") + id * 10000000
  proofs = nil
  local count = tonumber(args[2])
  if args[3] then
    proofs = {}
    local line_number = 0
    for line in io.lines(args[3]) do
      if line_number % count == id then table.insert(proofs, line) end
      line_number = line_number + 1
    end
  end
end

local STORY = "For years he took my salary and checked my phone every evening, and his mother "
  .. "said a good wife keeps quiet. Last spring I left with my daughter and we live with my "
  .. "sister now. I am writing this so that someone reads it. Story number "

function request()
  sent = sent + 1
  number = number + 1
  local body = '{"text": "' .. STORY .. number .. '.", "consent": "wall"'
  if proofs then
    local proof = proofs[sent]
    if proof then
      body = body .. ', "altcha": "' .. proof .. '"'
    else
      exhausted = exhausted + 1
    end
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body .. "}")
end

function response(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local refused, short = 0, 0
  for _, thread in ipairs(threads) do
    refused = refused + thread:get("bad")
    short = short + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    "INTAKE requests=%d microseconds=%d refused=%d no_proof_left=%d socket_errors=%d\n",
    summary.requests, summary.duration, refused, short, e.connect + e.read + e.write + e.timeout
  ))
end
