/**
 * The lock protocol as Lua scripts, each run atomically by the server: no other command runs between a check
 * and the write it decides, so two clients can never both take covering locks, whatever their timing.
 *
 * Keys of a namespace (all with one hash tag, so a cluster keeps them on one slot):
 *   KEYS[1] L  hash   path → lock record (JSON)
 *   KEYS[2] E  zset   path → expiry (server ms)        which locks ran out
 *   KEYS[3] P  zset   path, score 0                    the paths in byte order, for "any lock inside p/"
 *   KEYS[4] F  string the last fencing token
 *   KEYS[5] B  stream breaks and expiries: path, kind, by, reason, holder, at
 *   …:W:<path> list  a wake-up for whoever waits on a path's lock from another path (a folder lock, see drop)
 *   …:Q:<path> zset  the waiting line of a path: waiter id → ticket (…:N, one counter for the namespace)
 *   …:S:<path> hash  waiter id → when it last asked (server ms); a waiter silent for STALE_MS has left the line
 *   …:T:<path> string the waiter id whose turn it is: a holder that released quietly and takes it again at once
 *   …:V:<id>   list  the wake-up of one waiter, pushed when it reaches the head of a line and the path is free
 * ARGV[1] is always the channel that each change is published on (the editor listens to it).
 *
 * The waiting line: an acquire that may wait passes its waiter id; while others are ahead of it, or it is another
 * holder's turn, it joins the line (keeping its ticket across tries) and is told 'queued', even when the path is
 * free. Only the head of the line, woken through its own list, takes a free path. A one-shot try (no waiter id)
 * is not in the line and takes a free path as before.
 *
 * Time is the server's (TIME), never a client's, so clients on machines with skewed clocks agree on expiry.
 */
const PRELUDE = `
local L, E, P, F, B = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local CH = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = string.sub(L, 1, -2)
local STALE_MS = 3000
local function poke(k)
  -- One pending wake is enough; it lapses after a second when nobody waits.
  if redis.call('LLEN', k) == 0 then redis.call('RPUSH', k, '1') end
  redis.call('PEXPIRE', k, 1000)
end
-- The first waiter of p's line that still asks, dropping those that went silent.
local function head(p)
  local Q, S = base .. 'Q:' .. p, base .. 'S:' .. p
  while true do
    local h = redis.call('ZRANGE', Q, 0, 0)[1]
    if not h then return nil end
    if now - tonumber(redis.call('HGET', S, h) or '0') <= STALE_MS then return h end
    redis.call('ZREM', Q, h)
    redis.call('HDEL', S, h)
  end
end
local function wakeHead(p)
  local h = head(p)
  if h then poke(base .. 'V:' .. h) end
end
-- turnOf: the waiter id whose turn goes on (a quiet release: no one is woken; they wait for its next acquire).
local function drop(p, turnOf)
  redis.call('HDEL', L, p)
  redis.call('ZREM', E, p)
  redis.call('ZREM', P, p)
  if turnOf and turnOf ~= '' then
    redis.call('SET', base .. 'T:' .. p, turnOf, 'PX', 250)
    return
  end
  redis.call('DEL', base .. 'T:' .. p)
  poke(base .. 'W:' .. p)
  wakeHead(p)
end
-- Extends the decoded record r of p by ttl ms from now; returns its new JSON.
local function extend(p, r, ttl)
  r.expiresMs = now + ttl
  local out = cjson.encode(r)
  redis.call('HSET', L, p, out)
  redis.call('ZADD', E, r.expiresMs, p)
  return out
end
local function note(p, kind, by, reason, rec)
  return redis.call('XADD', B, 'MAXLEN', '~', 1000, '*', 'path', p, 'kind', kind, 'by', by, 'reason', reason,
    'holder', rec or '', 'at', tostring(now))
end
-- Locks whose lease or TTL ran out are gone for everyone at once; each is noted in the break log.
local dead = redis.call('ZRANGEBYSCORE', E, '-inf', now, 'LIMIT', 0, 256)
for _, p in ipairs(dead) do
  local rec = redis.call('HGET', L, p)
  drop(p)
  note(p, 'expired', 'fmes', 'its lease or TTL ran out with no renewal', rec)
end
if #dead > 0 then redis.call('PUBLISH', CH, 'expired') end
`;

/**
 * acquire(p, rec, ttl, agent, pid, host, w, from, again): rec the record JSON (without times and fence), ttl ms,
 * pid ('' for none), w the waiter id ('' for a one-shot try), ARGV[from..] the folders above p (nearest first, '.'
 * last), again: this waiter released p in this same script (RELEASE_ACQUIRE), so its turn goes on.
 * → {'ok', fence, acquiredMs, expiresMs} (the record is the one sent) | {'reentered', record} | {'held', record, …}
 *   | {'queued'} (free, but others are ahead in the line or it is another's turn)
 *
 * Folder coverage both ways: a lock at any folder above (HMGET) or any lock inside (a byte range of P) held
 * by another agent is a conflict, as in the file backend; the same agent may nest its own locks.
 */
const ACQUIRE_FN = `
-- A record that is not a JSON object is refused (the client always sends one), by each script before it writes.
local function notObject(rec)
  return string.sub(rec, 1, 1) ~= '{' or string.sub(rec, -1) ~= '}'
end
local NOT_OBJECT = 'fmes: the record is not an object'
local function acquire(p, rec, ttl, agent, pid, host, w, from, again)
  -- Joins the line (a waiter that is in it keeps its ticket) and notes that it still asks.
  local function join()
    if w == '' then return end
    local Q = base .. 'Q:' .. p
    if not redis.call('ZSCORE', Q, w) then redis.call('ZADD', Q, redis.call('INCR', base .. 'N'), w) end
    redis.call('HSET', base .. 'S:' .. p, w, tostring(now))
    redis.call('PEXPIRE', Q, 60000)
    redis.call('PEXPIRE', base .. 'S:' .. p, 60000)
  end
  -- again: this waiter held p until the release just before, in this script. Nothing else can have come to
  -- cover p meanwhile (a lock above or inside it by another agent conflicted with its lock, and a lock is only
  -- taken through these checks), its turn goes on, and the entries of p are overwritten below.
  if not again then
    local cur = redis.call('HGET', L, p)
    if cur then
      local r = cjson.decode(cur)
      local rp = ''
      if type(r.pid) == 'number' then rp = string.format('%d', r.pid) end
      if r.agent == agent and rp == pid and r.host == host then return {'reentered', extend(p, r, ttl)} end
      join()
      return {'held', cur}
    end
    local held = {'held'}
    if #ARGV >= from then
      local above = redis.call('HMGET', L, unpack(ARGV, from))
      for i = 1, #above do
        local a = above[i]
        if a and cjson.decode(a).agent ~= agent then held[#held + 1] = a end
      end
    end
    local lo, hi = '[' .. p .. '/', '(' .. p .. '/\\255'
    if p == '.' then lo, hi = '-', '+' end
    for _, q in ipairs(redis.call('ZRANGEBYLEX', P, lo, hi)) do
      local a = redis.call('HGET', L, q)
      if a and cjson.decode(a).agent ~= agent then held[#held + 1] = a end
      if #held > 16 then break end
    end
    if #held > 1 then
      join()
      return held
    end
    if w ~= '' then
      -- Free: it is this waiter's if the turn is its own, or there is no turn and no one ahead in the line.
      local T = base .. 'T:' .. p
      local turn = redis.call('GET', T)
      local first = nil
      if not turn then first = head(p) end
      if (turn and turn ~= w) or (first and first ~= w) then
        join()
        return {'queued'}
      end
      if turn then redis.call('DEL', T) end
      if first then
        redis.call('ZREM', base .. 'Q:' .. p, w)
        redis.call('HDEL', base .. 'S:' .. p, w)
      end
    end
  end
  -- The fence: one more than the last, and never below the server's clock in microseconds, so that it keeps
  -- growing after a restart that lost F (the next value is then the clock, above any earlier one).
  local last = tonumber(redis.call('GET', F) or '0')
  local clock = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local fence = last + 1
  if clock > fence then fence = clock end
  local fs = string.format('%.0f', fence)
  redis.call('SET', F, fs)
  -- The record is the client's JSON object with the fence and the server's times appended: no decode and
  -- re-encode on the fast path.
  local exp = now + ttl
  local at, ex = string.format('%d', now), string.format('%d', exp)
  local out = string.sub(rec, 1, -2) .. ',"fence":"' .. fs .. '","acquiredMs":' .. at .. ',"expiresMs":' .. ex .. '}'
  redis.call('HSET', L, p, out)
  redis.call('ZADD', E, exp, p)
  if not again then redis.call('ZADD', P, 0, p) end
  redis.call('PUBLISH', CH, 'acquired')
  return {'ok', fs, at, ex}
end
`;

/**
 * acquire: ARGV[2] path, [3] record JSON, [4] ttl ms, [5] agent, [6] pid ('' for none), [7] host, [8] waiter id
 * ('' for a one-shot try), [9..] the folders above path. → as ACQUIRE_FN's acquire.
 */
export const ACQUIRE = `${PRELUDE}${ACQUIRE_FN}
if notObject(ARGV[3]) then return redis.error_reply(NOT_OBJECT) end
return acquire(ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], ARGV[8], 9, false)
`;

/**
 * release(p, mode, who, tok, op, ttl, turnOf, again): mode 'key' | 'agent', who the key hash or agent, tok the token
 * ('' for any), op 'release' | 'renew', ttl ms for renew ('' for the lock's own lifetime), turnOf the waiter id of the
 * holder's turn for a quiet release (no waiter is woken, the turn is marked for 250 ms, see RedisTurns), again: the
 * same waiter takes the path again in this same script (RELEASE_ACQUIRE): the entries stay for the acquire to
 * overwrite, its turn needs no mark, and the one change published is the acquire's.
 * → {'ok', record} | {'notHeld'} | {'noKey', record} | {'notHolder', record}
 */
const RELEASE_FN = `
local function release(p, mode, who, tok, op, ttlArg, turnOf, again)
  local function released(cur)
    -- again: the acquire that follows in this script overwrites the entries of p and publishes the change.
    if not again then
      drop(p, turnOf)
      redis.call('PUBLISH', CH, 'released')
    end
    return {'ok', cur}
  end
  local cur = redis.call('HGET', L, p)
  if not cur then return {'notHeld'} end
  -- The common release, by agent and token, needs no decode: in JSON text an unescaped "agent":"…" can only be
  -- that key (a quote inside a string is escaped), and both values are plain (ids: no quote, backslash or slash,
  -- which cjson would escape). Anything else is decided on the decoded record below.
  if op == 'release' and mode == 'agent' and tok ~= '' and not string.find(who .. tok, '["\\\\/]')
    and string.find(cur, '"agent":"' .. who .. '"', 1, true) and string.find(cur, '"token":"' .. tok .. '"', 1, true) then
    return released(cur)
  end
  local r = cjson.decode(cur)
  if mode == 'key' then
    if type(r.keyHash) ~= 'string' then return {'noKey', cur} end
    if r.keyHash ~= who then return {'notHolder', cur} end
  elseif r.agent ~= who or (tok ~= '' and r.token ~= tok) then
    return {'notHolder', cur}
  end
  if op == 'release' then return released(cur) end
  local ttl = tonumber(ttlArg)
  if not ttl then ttl = math.max(1000, r.expiresMs - r.acquiredMs) end
  return {'ok', extend(p, r, ttl)}
end
`;

/**
 * release / renew: ARGV[2] path, [3] 'key' | 'agent', [4] key hash or agent, [5] token ('' for any),
 * [6] 'release' | 'renew', [7] ttl ms for renew ('' for the lock's own lifetime), [8] the waiter id of the
 * holder's turn for a quiet release ('' for none). → as RELEASE_FN's release.
 */
export const RELEASE_OR_RENEW = `${PRELUDE}${RELEASE_FN}
return release(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], false)
`;

/**
 * A release inside a turn and the same waiter's next acquire of that path, in one script (one round trip: the
 * client sends them so when the acquire follows the release within one tick, see RedisLockBackend.releaseLease).
 * ARGV[2] path, [3] agent, [4] the released lock's token, [5] the turn's waiter id, [6] record JSON, [7] ttl ms,
 * [8] pid, [9] host, [10..] the folders above path.
 * → {release verdict, the record it found or '', …the acquire's reply}. When the release is refused (the lock
 * was lost before it), the acquire is an ordinary one of that waiter: it may find the path held, or others ahead
 * of it in the line.
 */
export const RELEASE_ACQUIRE = `${PRELUDE}${RELEASE_FN}${ACQUIRE_FN}
if notObject(ARGV[6]) then return redis.error_reply(NOT_OBJECT) end
local rv = release(ARGV[2], 'agent', ARGV[3], ARGV[4], 'release', '', ARGV[5], true)
local out = acquire(ARGV[2], ARGV[6], tonumber(ARGV[7]), ARGV[3], ARGV[8], ARGV[9], ARGV[5], 10, rv[1] == 'ok')
table.insert(out, 1, rv[2] or '')
table.insert(out, 1, rv[1])
return out
`;

/**
 * break: ARGV[2] path, [3] by, [4] reason, [5] kind ('forced' | 'stale'), [6] the token it must still carry
 * ('' for whatever holds it). → {'ok', record, entry id} | {'notHeld'} | {'changed', record}
 */
export const BREAK = `${PRELUDE}
local p, by, reason, kind, tok = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local cur = redis.call('HGET', L, p)
if not cur then return {'notHeld'} end
if tok ~= '' and cjson.decode(cur).token ~= tok then return {'changed', cur} end
drop(p)
local id = note(p, kind, by, reason, cur)
redis.call('PUBLISH', CH, 'broken')
return {'ok', cur, id}
`;

/**
 * leave: ARGV[2] path, [3] waiter id. The waiter leaves the line (it gave up, or its turn ended); if the path is
 * free and no turn goes on, the new head of the line is woken. → 'ok'
 */
export const LEAVE = `${PRELUDE}
local p, w = ARGV[2], ARGV[3]
redis.call('ZREM', base .. 'Q:' .. p, w)
redis.call('HDEL', base .. 'S:' .. p, w)
local T = base .. 'T:' .. p
if redis.call('GET', T) == w then redis.call('DEL', T) end
if not redis.call('HGET', L, p) and redis.call('EXISTS', T) == 0 then wakeHead(p) end
return 'ok'
`;

/** status: → {now, record, record, …}: every live lock, in one round trip (the hook's only call). */
export const STATUS = `${PRELUDE}
local out = {tostring(now)}
for _, v in ipairs(redis.call('HVALS', L)) do out[#out + 1] = v end
return out
`;
