/// The Lua scripts for decisions that read and write in one step (Redis runs a script atomically,
/// so replicas racing on one key still count exactly).
enum RedisScripts {
    /// KEYS: window. ARGV: rpm, tpm (0: none), window TTL. Returns {admitted, requests, tokens}.
    static let admit = """
        local r = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
        local t = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
        local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
        if (tpm > 0 and t >= tpm) or (rpm > 0 and r >= rpm) then return {0, r, t} end
        r = redis.call('HINCRBY', KEYS[1], 'r', 1)
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return {1, r, t}
        """

    /// KEYS: window. ARGV: tokens, window TTL. Returns {requests, tokens}.
    static let addTokens = """
        local t = redis.call('HINCRBY', KEYS[1], 't', ARGV[1])
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return {tonumber(redis.call('HGET', KEYS[1], 'r') or '0'), t}
        """

    /// ARGV: the pattern of one minute's window keys, the most to return. Returns {key, requests,
    /// tokens, …}. KEYS is fine here: windows live two minutes, and a replica asks only when a
    /// dashboard page does.
    static let windows = """
        local out = {}
        for i, k in ipairs(redis.call('KEYS', ARGV[1])) do
          if i > tonumber(ARGV[2]) then break end
          out[#out + 1] = k
          out[#out + 1] = tonumber(redis.call('HGET', k, 'r') or '0')
          out[#out + 1] = tonumber(redis.call('HGET', k, 't') or '0')
        end
        return out
        """

    /// KEYS: journal stream, sequence. ARGV: capacity, entry. Numbers the entry and trims the
    /// stream to the capacity.
    static let journal = """
        local n = redis.call('INCR', KEYS[2])
        redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'n', n, 'e', ARGV[2])
        return n
        """

    /// KEYS: record, index, index sequence. ARGV: id, data, TTL, count limit, record key prefix.
    /// Stores the record (a new version), lists it in creation order, and drops the oldest past
    /// the limit.
    static let put = """
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('HSET', KEYS[1], 'd', ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
            redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
        end
        local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
        if over > 0 then
            for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
                redis.call('DEL', ARGV[5] .. id)
                redis.call('ZREM', KEYS[2], id)
            end
        end
        return 1
        """

    /// KEYS: record. ARGV: version read, new data, TTL. Writes only if nobody wrote since the
    /// read (1), else 0; -1 if the record is gone.
    static let replace = """
        local v = redis.call('HGET', KEYS[1], 'v')
        if not v then return -1 end
        if v ~= ARGV[1] then return 0 end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('HSET', KEYS[1], 'd', ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return 1
        """

    /// KEYS: record, index. ARGV: id. 1 if it was there.
    static let delete = """
        redis.call('ZREM', KEYS[2], ARGV[1])
        return redis.call('DEL', KEYS[1])
        """

    /// KEYS: admin log, its counters. ARGV: changes applied (-1: read all). Returns {last,
    /// compacted, entries…}: the entries (each "NUMBER JSON") after those applied, all of them
    /// when the log was compacted past them, none when nothing is new.
    static let readAdmin = """
        local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
        local compacted = tonumber(redis.call('HGET', KEYS[2], 'compacted') or '0')
        local applied = tonumber(ARGV[1])
        local out = {last, compacted}
        if last <= applied then return out end
        for _, e in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
            if applied < compacted or tonumber(string.match(e, '^(%d+) ') or '0') > applied then out[#out + 1] = e end
        end
        return out
        """

    /// KEYS: admin log, its counters. ARGV: the last number read, the new one, 1 if the log is
    /// replaced (it was compacted) else 0, then the entries to push. Writes only if nobody
    /// appended since the read (1), else 0.
    static let writeAdmin = """
        if tonumber(redis.call('HGET', KEYS[2], 'last') or '0') ~= tonumber(ARGV[1]) then return 0 end
        if ARGV[3] == '1' then
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[2], 'compacted', ARGV[2])
        end
        for i = 4, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
        redis.call('HSET', KEYS[2], 'last', ARGV[2])
        return 1
        """
}
