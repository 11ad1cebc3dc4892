using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MlLedger.Api.Auth.Authority;

/// <summary>
/// The HTTP client that fetches the authority's discovery document and keys: TLS only, no redirects, short timeouts,
/// small answers. With a CA file, the server certificate must chain to one of its certificates (and to nothing in the
/// machine's store); the host name is checked either way. The trust is this client's alone.
/// </summary>
public static class AuthorityHttp
{
    /// <summary>Discovery documents and key sets are a few kilobytes; anything past this is not one.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static HttpClient Create(string? caFile, string caFlag = "--jwt-authority-ca")
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // a provider that moves to another address is found again
            UseCookies = false,
        };
        if (caFile is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = ChainPolicy(caFile, caFlag) };
        }

        return new HttpClient(handler) { Timeout = Timeout, MaxResponseContentBufferSize = MaxAnswerBytes };
    }

    /// <summary>
    /// Trust only the CA file's certificates. Revocation is not checked: internal CAs rarely publish revocation
    /// lists, and the default client does not check it either.
    /// </summary>
    public static X509ChainPolicy ChainPolicy(string caFile, string caFlag)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(AuthoritySettings.TrustedCertificates(caFile, caFlag));
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        return policy;
    }
}
