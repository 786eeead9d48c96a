-- Blanks "Env" in container inspect answers ("Env":[]), as Tecnativa's proxy after v0.4.1 does,
-- so environment variables (often secrets) never reach the client. HAProxy 2.6 forbids changing
-- a body from an HTTP action (Channel functions refuse HTTP mode); a filter may, through
-- HTTPMessage, so this is a filter. The request side marks inspect answers (txn.inspect) and
-- "http-response wait-for-body" holds them until whole.
local StripEnv = {}
StripEnv.id = "strip-env"
StripEnv.flags = filter.FLT_CFG_FL_HTX
StripEnv.__index = StripEnv

function StripEnv:new()
    return setmetatable({}, StripEnv)
end

function StripEnv:http_headers(txn, msg)
    if msg.channel:is_resp() and txn:get_var("txn.inspect") then
        filter.register_data_filter(self, msg.channel)
    end
end

function StripEnv:http_payload(txn, msg)
    -- Keep everything until the answer is whole: "Env" may straddle two reads.
    if not msg:eom() then
        return 0
    end
    local body = msg:body(0, msg:input()) or ""
    local stripped, count = body:gsub('"Env"%s*:%s*%b[]', '"Env":[]')
    if count > 0 then
        msg:set(stripped, 0, #body)
    end
end

core.register_filter("strip-env", StripEnv, function(filter_class, args)
    return filter_class
end)
