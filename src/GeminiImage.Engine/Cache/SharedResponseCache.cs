using GeminiImage.Engine.Ledger;
using Npgsql;

namespace GeminiImage.Engine.Cache;

/// <summary>
/// The team-shared response cache (Set-GeminiConfig -Cache Shared): entries in the team ledger's PostgreSQL database,
/// one row per key with the entry's bytes, so a response paid for anywhere in the team is served everywhere for nothing.
/// </summary>
/// <remarks>
/// <para>Why the bytes are in the database and not on a shared folder (bench/SharedCache.Bench.ps1; README, "Team-shared
/// cache"): a local folder was 2-3 times faster per entry (tens of milliseconds either way, small beside a paid call,
/// and a network share adds round trips), but the database writes the index and the bytes in one statement, so there is
/// no file without a row or row without a file, no second path every machine must mount alike and no folder rights to
/// manage. The cost: the database grows by about the images' size (bounded by <see cref="MaxBytes"/>) plus as much WAL.</para>
/// <para>The entry is the local cache's (<see cref="ResponseCache.Encode"/>): every read checks lengths and SHA-256, and a
/// damaged entry is a miss and is deleted. Two machines storing one key at once: the first writer wins (INSERT ... ON
/// CONFLICT DO NOTHING), and both serve the same entry afterwards. The API key is never part of an entry or its key.</para>
/// <para>Size bound: after each store, the least recently used entries (a hit counts as a use) beyond
/// <see cref="MaxBytes"/> are deleted, one machine at a time (a transaction-scoped advisory lock).</para>
/// </remarks>
public sealed class SharedResponseCache : IResponseCache
{
    // Any fixed number, different from the ledger's locks: one eviction at a time across the team.
    private const long EvictionLock = 0x47656D43616368L;

    private readonly PostgresConnector _database;

    private SharedResponseCache(PostgresConnector database, long maxBytes)
    {
        _database = database;
        MaxBytes = Math.Max(0, maxBytes);
    }

    /// <summary>The cache of the team database in effect; <see cref="LedgerException"/> (TeamLedgerRequired) when the ledger is the SQLite file.</summary>
    public static SharedResponseCache Open(long maxBytes) => new(PostgresConnector.Current("Shared response caches"), maxBytes);

    /// <summary>On the server named by <paramref name="connectionString"/> (tests, benchmarks).</summary>
    public static SharedResponseCache Open(string connectionString, long maxBytes) => new(new PostgresConnector(connectionString), maxBytes);

    /// <summary>The bound on the bytes of all entries together.</summary>
    public long MaxBytes { get; }

    /// <inheritdoc />
    public string Location => _database.Location;

    /// <inheritdoc />
    public CacheEntry? TryGet(string key) => _database.Run(connection =>
    {
        byte[] bytes;
        using (var command = new NpgsqlCommand("UPDATE gemini_cache SET last_used_utc = now() WHERE key = @key RETURNING entry", connection))
        {
            command.Parameters.AddWithValue("key", key);
            if (command.ExecuteScalar() is not byte[] found) return null;
            bytes = found;
        }
        var entry = ResponseCache.Decode(bytes, key);
        if (entry != null) return entry;
        using (var delete = new NpgsqlCommand("DELETE FROM gemini_cache WHERE key = @key", connection))
        {
            delete.Parameters.AddWithValue("key", key);
            delete.ExecuteNonQuery();
        }
        return null;
    });

    /// <inheritdoc />
    public bool Put(CacheEntry entry)
    {
        var bytes = ResponseCache.Encode(entry);
        if (bytes.LongLength > MaxBytes) return false;
        return _database.Run(connection =>
        {
            using (var command = new NpgsqlCommand(@"INSERT INTO gemini_cache (key, size_bytes, model, cost_micros, created_by, entry)
VALUES (@key, @size, @model, @cost, @by, @entry) ON CONFLICT (key) DO NOTHING", connection))
            {
                command.Parameters.AddWithValue("key", entry.Key);
                command.Parameters.AddWithValue("size", bytes.LongLength);
                command.Parameters.AddWithValue("model", entry.Model);
                command.Parameters.AddWithValue("cost", entry.CostUsd is decimal cost ? (object)(long)Math.Round(cost * 1_000_000m) : DBNull.Value);
                command.Parameters.AddWithValue("by", Environment.UserName + "@" + Environment.MachineName);
                command.Parameters.AddWithValue("entry", bytes);
                command.ExecuteNonQuery();
            }
            Evict(connection);
            using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM gemini_cache WHERE key = @key)", connection);
            exists.Parameters.AddWithValue("key", entry.Key);
            return (bool)exists.ExecuteScalar()!;
        });
    }

    /// <summary>Deletes the least recently used entries beyond <see cref="MaxBytes"/>; how many.</summary>
    public int Evict() => _database.Run(Evict);

    /// <inheritdoc />
    public CacheInfo GetInfo() => _database.Run(connection =>
    {
        using var command = new NpgsqlCommand("SELECT count(*), COALESCE(sum(size_bytes), 0), min(last_used_utc), max(last_used_utc) FROM gemini_cache", connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new CacheInfo
        {
            Path = Location,
            EntryCount = (int)reader.GetInt64(0),
            SizeBytes = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
            MaxBytes = MaxBytes,
            OldestUtc = reader.IsDBNull(2) ? null : DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
            NewestUtc = reader.IsDBNull(3) ? null : DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
        };
    });

    /// <inheritdoc />
    public int Clear() => _database.Run(connection =>
    {
        using var command = new NpgsqlCommand("DELETE FROM gemini_cache", connection);
        return command.ExecuteNonQuery();
    });

    private int Evict(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using (var gate = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({EvictionLock})", connection, transaction))
        {
            // Another machine is evicting; it sees this entry, or the next store does.
            if (!(bool)gate.ExecuteScalar()!) return 0;
        }
        // Newest use first, a running total: whatever lies beyond the bound goes.
        using var command = new NpgsqlCommand(@"DELETE FROM gemini_cache WHERE key IN (
    SELECT key FROM (SELECT key, sum(size_bytes) OVER (ORDER BY last_used_utc DESC, key DESC) AS running FROM gemini_cache) t
    WHERE running > @max)", connection, transaction);
        command.Parameters.AddWithValue("max", MaxBytes);
        var removed = command.ExecuteNonQuery();
        transaction.Commit();
        return removed;
    }
}
