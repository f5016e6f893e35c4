-- wrk pipelining as hotpath's closed loop pipelines (load/wrk/32x64): each connection writes
-- the string request() returns, here `depth` copies of the request wrk would send on its own
-- (method, path and the -H headers of the command line), and wrk writes the next copy only
-- once every request in it is answered. The harness passes the depth after `--`.
local pipelined

init = function(args)
   local depth = tonumber(args[1])
   if not depth or depth < 1 then
      error("wrk-pipeline.lua: give the depth after --, a whole number of at least 1")
   end
   local copies = {}
   for i = 1, depth do
      copies[i] = wrk.format()
   end
   pipelined = table.concat(copies)
end

request = function()
   return pipelined
end
