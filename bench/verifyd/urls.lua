-- SPDX-License-Identifier: BSD-2-Clause
-- wrk script: every request a different tapped URL. Thread k of n reads
-- its own slice $VD_URLS.k (one request path per line, split by run.sh)
-- and sends it in order, so each tag's taps go out in counter order and
-- no URL is sent twice; should the slice run out, it starts again and the
-- repeats are counted apart. Asks for JSON; VD_CLOSE=1 closes per request.
local n = 0
local threads = {}

function setup(thread)
	thread:set("id", n)
	n = n + 1
	table.insert(threads, thread)
end

function init(args)
	paths = {}
	for line in io.lines(os.getenv("VD_URLS") .. "." .. id) do
		paths[#paths + 1] = line
	end
	idx = 0
	wraps = 0
	headers = { ["Accept"] = "application/json" }
	if os.getenv("VD_CLOSE") == "1" then
		headers["Connection"] = "close"
	end
	valid = 0
	replay = 0
	other = 0
end

function request()
	if idx == #paths then
		idx = 0
		wraps = wraps + 1
	end
	idx = idx + 1
	return wrk.format("GET", paths[idx], headers)
end

function response(status, hdrs, body)
	if status == 200 then
		valid = valid + 1
	elseif status == 409 then
		replay = replay + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local v, r, o, w = 0, 0, 0, 0
	for _, t in ipairs(threads) do
		v = v + t:get("valid")
		r = r + t:get("replay")
		o = o + t:get("other")
		w = w + t:get("wraps")
	end
	io.write(string.format("VD valid=%d replay=%d other=%d%s\n", v, r, o,
	    w > 0 and " (URL pool ran out: repeats)" or ""))
end
