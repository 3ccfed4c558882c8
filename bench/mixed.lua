-- wrk script: a mixed load, 90 % reads of the overview (GET /samenwerkingen?aantal=20) and
-- 10 % writes (a new actieverzoek, with its notification, to the partner in a random one of the
-- seeded samenwerkingen). $SWF_TOKEN: the reader and writer; $SWF_PARTNER: the receiver's OIN;
-- $SWF_SIDS: a file with one samenwerking id per line.
local token = assert(os.getenv("SWF_TOKEN"), "SWF_TOKEN not set")
local partner = assert(os.getenv("SWF_PARTNER"), "SWF_PARTNER not set")
local api = "/overheid/samenwerken/api/behandelen/v5"
local sids = {}
local sids_file = os.getenv("SWF_SIDS")
assert(sids_file, "SWF_SIDS not set")
for line in io.lines(sids_file) do
    sids[#sids + 1] = line
end
assert(#sids > 0, "no samenwerking ids")
local read_headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/hal+json" }
local write_headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Accept"] = "application/hal+json",
    ["Content-Type"] = "application/json",
}
local n = 0

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    math.randomseed(seed or os.time())
end

function request()
    n = n + 1
    if n % 10 == 0 then
        local sid = sids[math.random(#sids)]
        local body = '{"titel":"Mixed ' .. n .. '","omschrijving":"benchmark","ontvanger":"' .. partner .. '"}'
        return wrk.format("POST", api .. "/samenwerkingen/" .. sid .. "/actieverzoeken", write_headers, body)
    end
    return wrk.format("GET", api .. "/samenwerkingen?aantal=20", read_headers)
end
