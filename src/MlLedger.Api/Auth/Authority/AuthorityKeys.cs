using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Auth.Authority;

/// <summary>What the last attempt to fetch the keys gave, for readiness and the log.</summary>
public sealed record AuthorityStatus(AuthorityKeySet? Keys, bool Expired, string? LastFailure, string? IssuerMismatch);

/// <summary>
/// The signing keys of an OIDC authority, as the ledger last fetched them: the discovery document, then its
/// <c>jwks_uri</c>, over <see cref="AuthorityHttp"/>. Tokens are checked against these keys only (the token library's
/// own key cache and its last-known-good fallback are not used):
/// <list type="bullet">
/// <item>every refresh replaces the whole set, so a key the authority stopped publishing is refused from the next
/// refresh on (<see cref="JwtSettings.KeysRefresh"/>, run by <see cref="AuthorityKeyRefresh"/>);</item>
/// <item>keys not refreshed for <see cref="JwtSettings.KeysMaxAge"/> are not used at all;</item>
/// <item>a token naming a key id not in the set makes one refresh, at most every
/// <see cref="JwtSettings.UnknownKeyRefreshInterval"/>, shared by every request that waits for it. It does not delay
/// the periodic refresh.</item>
/// </list>
/// </summary>
public sealed partial class AuthorityKeys(JwtSettings jwt, HttpClient http, TimeProvider clock, ILogger<AuthorityKeys> log) : IDisposable
{
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Uri _metadata = AuthoritySettings.MetadataAddress(jwt.Authority!);
    private readonly AuthorityDocuments _documents = new(http, AuthoritySettings.MetadataAddress(jwt.Authority!), clock);
    private readonly string[] _issuers = AuthoritySettings.ExpectedIssuers(jwt);
    private AuthorityKeySet? _keys;
    private string? _lastFailure;
    private string? _issuerMismatch;
    private Task? _unknownKeyRefresh;
    private DateTimeOffset _unknownKeyRefreshAt = DateTimeOffset.MinValue;

    public Uri MetadataAddress => _metadata;

    public IReadOnlyList<string> ExpectedIssuers => _issuers;

    public AuthorityStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new AuthorityStatus(_keys, _keys is not null && IsExpired(_keys), _lastFailure, _issuerMismatch);
            }
        }
    }

    /// <summary>The keys a token with key id <paramref name="kid"/> may be signed with: none when they expired.</summary>
    public IEnumerable<SecurityKey> Resolve(string? kid)
    {
        AuthorityKeySet? keys;
        lock (_gate)
        {
            keys = _keys;
        }

        if (keys is null || IsExpired(keys))
        {
            return [];
        }

        return string.IsNullOrEmpty(kid) ? keys.Keys : keys.Keys.Where(k => k.KeyId == kid).ToList();
    }

    public bool Knows(string kid) => Resolve(kid).Any();

    /// <summary>
    /// Fetches the keys again. False, with the reason logged and kept for readiness, when the authority could not be
    /// reached or answered something that is not a discovery document and key set; the keys in use stay until they expire.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await _fetching.WaitAsync(ct);
        try
        {
            var fetched = await _documents.FetchAsync(ct);
            ReportIssuer(fetched.Issuer);
            AuthorityKeySet? previous;
            lock (_gate)
            {
                previous = _keys;
                _keys = fetched;
                _lastFailure = null;
            }

            if (previous is null || IsExpired(previous) || !previous.KeyIds.Order().SequenceEqual(fetched.KeyIds.Order()))
            {
                var removed = previous is null ? [] : previous.KeyIds.Except(fetched.KeyIds).ToList();
                var loaded = string.Join(", ", fetched.KeyIds);
                KeysLoaded(jwt.Authority!, fetched.JwksUri, loaded, removed.Count == 0 ? "none" : string.Join(", ", removed));
            }

            return true;
        }
        catch (AuthorityFetchException e)
        {
            Fail(e.Message);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Fail($"{_metadata} did not answer within {AuthorityHttp.Timeout.TotalSeconds} s");
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // whatever the authority answers must not stop the ledger: a key set the token library cannot read is a failed refresh
            ReadingFailed(e);
            Fail($"the answer of {_metadata} could not be read: {e.Message}");
            return false;
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>
    /// Called before a token is validated when it names key id <paramref name="kid"/>, which the ledger does not know:
    /// joins the refresh under way, or starts one unless one started less than
    /// <see cref="JwtSettings.UnknownKeyRefreshInterval"/> ago. True when the key is known afterwards.
    /// </summary>
    public async Task<bool> RefreshForUnknownKeyAsync(string kid, CancellationToken ct)
    {
        if (Knows(kid))
        {
            return true;
        }

        Task refresh;
        lock (_gate)
        {
            if (_unknownKeyRefresh is { IsCompleted: false } running)
            {
                refresh = running;
            }
            else if (clock.GetUtcNow() - _unknownKeyRefreshAt < jwt.UnknownKeyRefreshInterval)
            {
                return false;
            }
            else
            {
                _unknownKeyRefreshAt = clock.GetUtcNow();
                refresh = _unknownKeyRefresh = RefreshAsync(CancellationToken.None);
            }
        }

        try
        {
            await refresh.WaitAsync(AuthorityHttp.Timeout, clock, ct);
        }
        catch (TimeoutException)
        {
            return false;
        }

        return Knows(kid);
    }

    private bool IsExpired(AuthorityKeySet keys) => clock.GetUtcNow() - keys.FetchedAt > jwt.KeysMaxAge;

    private void Fail(string reason)
    {
        AuthorityKeySet? keys;
        lock (_gate)
        {
            _lastFailure = reason;
            keys = _keys;
        }

        if (keys is null)
        {
            Unreachable(reason, _metadata);
        }
        else if (IsExpired(keys))
        {
            UnreachableKeysExpired(reason, keys.FetchedAt, jwt.KeysMaxAge, _metadata);
        }
        else
        {
            RefreshFailed(reason, keys.FetchedAt, keys.FetchedAt + jwt.KeysMaxAge);
        }
    }

    private void ReportIssuer(string issuer)
    {
        var mismatch = _issuers.Contains(issuer, StringComparer.Ordinal)
            ? null
            : $"the discovery document at {_metadata} names issuer '{issuer}', but only tokens of issuer '{_issuers[0]}' are accepted" +
              (jwt.Issuer is null ? " (the authority)" : " (--jwt-issuer)");
        string? before;
        lock (_gate)
        {
            before = _issuerMismatch;
            _issuerMismatch = mismatch;
        }

        if (mismatch is not null && mismatch != before)
        {
            IssuerMismatch(mismatch);
        }
    }

    public void Dispose()
    {
        http.Dispose();
        _fetching.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Token signing keys of {Authority} from {JwksUri}: {KeyIds} (no longer accepted: {Removed})")]
    private partial void KeysLoaded(string authority, Uri jwksUri, string keyIds, string removed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The identity provider is unreachable: {Reason}. Every token is refused until its signing keys are loaded from {Metadata}")]
    private partial void Unreachable(string reason, Uri metadata);

    [LoggerMessage(Level = LogLevel.Error, Message = "The identity provider is unreachable: {Reason}. Its signing keys were last fetched at {FetchedAt:O}, " +
                                                     "more than {MaxAge} ago: every token is refused until {Metadata} answers")]
    private partial void UnreachableKeysExpired(string reason, DateTimeOffset fetchedAt, TimeSpan maxAge, Uri metadata);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the identity provider's signing keys: {Reason}. Using those fetched at {FetchedAt:O} until {ExpiresAt:O}")]
    private partial void RefreshFailed(string reason, DateTimeOffset fetchedAt, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issuer mismatch: {Mismatch}")]
    private partial void IssuerMismatch(string mismatch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the identity provider's keys failed")]
    private partial void ReadingFailed(Exception exception);
}
