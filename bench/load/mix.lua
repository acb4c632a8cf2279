-- wrk script: the viewer's mixed read load on `tryggve serve` (bench/README.md).
--   wrk -t4 -c64 -d60s -s bench/load/mix.lua http://127.0.0.1:8080
-- Weights follow what the viewer asks for while a user works: the situation and
-- layer lists often, the street layers on every map move, plans and an export
-- now and then. Jobs are left out: every wrk connection is one client address,
-- so all but two would be 429 (the per-client bound) by design.
local paths = {
  {"/api/situation", 20}, {"/api/layers", 15}, {"/api/catalogue", 10},
  {"/api/layers/edges", 15}, {"/api/layers/gistar", 10}, {"/api/layers/density?fields=lixel_id,density_all", 5},
  {"/api/plan", 5}, {"/api/plan/watch_list", 8}, {"/api/plan/lighting", 5},
  {"/api/scenarios", 5}, {"/api/export?layers=edges", 2},
}
local bag = {}
for _, p in ipairs(paths) do for _ = 1, p[2] do bag[#bag + 1] = p[1] end end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", bag[(i * 7919) % #bag + 1])
end
local errors = 0
response = function(status) if status >= 400 then errors = errors + 1 end end
done = function(summary) io.write(string.format("non-2xx/3xx (per thread, last): %d\n", errors)) end
