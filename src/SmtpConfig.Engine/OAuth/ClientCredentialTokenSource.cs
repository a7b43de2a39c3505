using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using SmtpConfig.Protection;

namespace SmtpConfig.OAuth;

/// <summary>
/// Fetches an access token with the OAuth2 client-credentials flow by a plain HTTPS POST (no MSAL, no assembly
/// clash), and keeps it in memory until shortly before it expires. Tokens are never written anywhere.
/// </summary>
internal static class ClientCredentialTokenSource
{
    /// <summary>A token this close to expiry is fetched again.</summary>
    internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private static readonly ConcurrentDictionary<string, CachedToken> Cache = new(StringComparer.Ordinal);
    private static readonly HttpClient Http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private static int s_fetches;

    /// <summary>How many tokens were fetched from an endpoint in this process (for tests of the cache).</summary>
    internal static int FetchCount => s_fetches;

    public static string GetToken(OAuthSettings settings, SecureString? clientSecret, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId,
            ["scope"] = settings.Scope,
        };
        string credentialKey;
        if (settings.UsesCertificate)
        {
            using X509Certificate2 certificate = ClientAssertion.LoadCertificate(settings, clientSecret);
            credentialKey = "cert:" + certificate.Thumbprint;
            if (TryCached(settings, credentialKey, out string? cachedToken))
            {
                return cachedToken!;
            }

            fields["client_assertion_type"] = ClientAssertion.AssertionType;
            fields["client_assertion"] = ClientAssertion.Create(settings, certificate);
        }
        else
        {
            if (clientSecret is null)
            {
                throw new OAuthTokenException("The profile has neither a client secret nor a certificate.", null, null, null);
            }

            string secret = SecretText.Reveal(clientSecret);
            credentialKey = "secret:" + Hash(secret);
            if (TryCached(settings, credentialKey, out string? cachedToken))
            {
                return cachedToken!;
            }

            fields["client_secret"] = secret;
        }

        string key = CacheKey(settings, credentialKey);
        var form = new FormUrlEncodedContent(fields);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        HttpResponseMessage response;
        string body;
        try
        {
            Interlocked.Increment(ref s_fetches);
            response = Http.PostAsync(settings.TokenEndpoint, form, bounded.Token).GetAwaiter().GetResult();
            body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OAuthTokenException($"The token endpoint {settings.TokenEndpoint.GetLeftPart(UriPartial.Path)} could not be reached: {Innermost(ex).Message}", null, null, null, ex);
        }
        finally
        {
            form.Dispose();
        }

        using (response)
        {
            return Parse(settings, key, (int)response.StatusCode, body);
        }
    }

    /// <summary>Forgets every cached token (tests; a changed secret already gets its own cache entry).</summary>
    internal static void Clear() => Cache.Clear();

    private static string Parse(OAuthSettings settings, string key, int status, string body)
    {
        string? error = null;
        string? description = null;
        string? token = null;
        int expiresIn = 0;
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            JsonElement root = json.RootElement;
            error = root.TryGetProperty("error", out JsonElement e) ? e.GetString() : null;
            description = root.TryGetProperty("error_description", out JsonElement d) ? d.GetString() : null;
            token = root.TryGetProperty("access_token", out JsonElement t) ? t.GetString() : null;
            if (root.TryGetProperty("expires_in", out JsonElement x))
            {
                expiresIn = x.ValueKind == JsonValueKind.Number ? x.GetInt32() : int.Parse(x.GetString() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new OAuthTokenException($"The token endpoint answered HTTP {status} with something that is not an OAuth token response.", null, null, status, ex);
        }

        if (status >= 400 || error is not null || string.IsNullOrEmpty(token))
        {
            string what = error is null ? $"HTTP {status}" : $"{error}: {FirstLine(description)}";
            throw new OAuthTokenException($"The token endpoint refused the client credentials of app {settings.ClientId}: {what}", error, description, status);
        }

        Cache[key] = new CachedToken(token!, DateTimeOffset.UtcNow.AddSeconds(expiresIn));
        return token!;
    }

    private static bool TryCached(OAuthSettings settings, string credentialKey, out string? token)
    {
        token = Cache.TryGetValue(CacheKey(settings, credentialKey), out CachedToken? cached) && cached.ExpiresAt - DateTimeOffset.UtcNow > RefreshMargin
            ? cached.AccessToken
            : null;
        return token is not null;
    }

    // The credential takes part only as a hash or a thumbprint: a changed secret gets a new token, and the key reveals nothing.
    private static string CacheKey(OAuthSettings settings, string credentialKey) =>
        string.Join("|", settings.Authority, settings.TenantId, settings.ClientId, settings.Scope, credentialKey);

    private static string Hash(string secret)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(secret)));
    }

    private static string FirstLine(string? text) => text is null ? string.Empty : text.Split('\n').First().Trim();

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset ExpiresAt);
}
