-- ARGV: id, token, now
local id = ARGV[1]
local jk = jobKey(id)
if not held(jk, id, ARGV[2], tonumber(ARGV[3])) then
  return 0
end
leaveActive(jk, id)
-- Keeps its sequence number: a released job goes back to the front of its priority.
toWait(id, jk, false)
wakeOne()
return 1
