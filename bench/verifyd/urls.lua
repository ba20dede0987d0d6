-- wrk script: every request a different tapped URL from $VD_URLS (one path
-- per line); thread k of n takes lines k, k+n, ... so that each tag's taps
-- are sent in counter order. Asks for JSON. VD_CLOSE=1 closes per request.
local n = 0
local threads = {}

function setup(thread)
	thread:set("id", n)
	n = n + 1
	table.insert(threads, thread)
end

function init(args)
	paths = {}
	local i = 0
	local nthreads = tonumber(os.getenv("VD_THREADS") or "2")
	for line in io.lines(os.getenv("VD_URLS")) do
		if i % nthreads == id then
			table.insert(paths, line)
		end
		i = i + 1
	end
	idx = 0
	headers = { ["Accept"] = "application/json" }
	if os.getenv("VD_CLOSE") == "1" then
		headers["Connection"] = "close"
	end
	valid = 0
	other = 0
end

function request()
	idx = idx % #paths + 1
	return wrk.format("GET", paths[idx], headers)
end

function response(status, hdrs, body)
	if status == 200 then valid = valid + 1 else other = other + 1 end
end

function done(summary, latency, requests)
	local v, o = 0, 0
	for _, t in ipairs(threads) do
		v = v + t:get("valid")
		o = o + t:get("other")
	end
	io.write(string.format("VD valid=%d other=%d\n", v, o))
end
