using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.OAuth;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>
/// The client-credentials token source keeps a process-wide cache and fetch counter: every test that can touch it runs
/// in this collection, alone, after the parallel ones, and starts with <see cref="ClientCredentialTokenSource.Clear"/>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OAuthTokenCacheGroup
{
    public const string Name = "OAuth token cache";
}

/// <summary>Shared helpers for the OAuth2 tests: JWTs, XOAUTH2 blobs, secret sweeps.</summary>
internal static class OAuthKit
{
    public const string Tenant = "contoso.onmicrosoft.com";
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string TenantGuid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string Mailbox = "alerts@contoso.example";
    public const string ClientSecretCanary = "OAuthSecret-7c1e~Q.Sécret_canary";
    public const string ExchangeAudience = "https://outlook.office365.com";
    public const string GraphAudience = "https://graph.microsoft.com";

    /// <summary>The challenge of oauth-xoauth2-refused-573.smtp, decoded.</summary>
    public const string ChallengeJson = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://outlook.office.com/SMTP.Send\"}";

    public static SecureString Secure(string text) => ProbeKit.Secure(text);

    public static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An unsigned JWT (header.payload.signature); the engine only decodes the claims.</summary>
    public static string Jwt(string? aud = ExchangeAudience, string[]? roles = null, DateTimeOffset? exp = null, string? scp = null, string appid = ClientId)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = $"https://sts.windows.net/{TenantGuid}/",
            ["exp"] = (exp ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeSeconds(),
            ["appid"] = appid,
            ["tid"] = TenantGuid,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (aud is not null)
        {
            claims["aud"] = aud;
        }

        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        if (scp is not null)
        {
            claims["scp"] = scp;
        }

        string header = B64Url(Encoding.UTF8.GetBytes("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"fake-kid\"}"));
        string payload = B64Url(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims)));
        string signature = B64Url(Encoding.UTF8.GetBytes("not-a-signature-" + Guid.NewGuid().ToString("N")));
        return $"{header}.{payload}.{signature}";
    }

    /// <summary>The token a correctly set-up app gets: Exchange audience, SMTP.SendAsApp, valid for an hour.</summary>
    public static string GoodAppToken() => Jwt(ExchangeAudience, new[] { "SMTP.SendAsApp" }, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>The SASL XOAUTH2 initial response MailKit sends.</summary>
    public static string XOAuth2Blob(string user, string token) => "user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001";

    /// <summary>The base64 after "AUTH XOAUTH2 " in what the client sent, one per AUTH command, decoded.</summary>
    public static IReadOnlyList<string> XOAuth2Sent(LoopbackSmtpServer server) =>
        server.ClientText.Split("\r\n")
            .Where(l => l.StartsWith("AUTH XOAUTH2 ", StringComparison.Ordinal))
            .Select(l => Encoding.Latin1.GetString(Convert.FromBase64String(l.Substring("AUTH XOAUTH2 ".Length).Trim())))
            .ToList();

    /// <summary>Every easy encoding of a secret: ProbeKit's forms plus the XOAUTH2 blob, URL-encoding and JSON escaping.</summary>
    public static IReadOnlyList<string> Forms(string secret, string user = Mailbox)
    {
        var forms = new List<string>(ProbeKit.SecretForms(user, secret))
        {
            Convert.ToBase64String(Encoding.UTF8.GetBytes(XOAuth2Blob(user, secret))),
            Convert.ToBase64String(Encoding.Latin1.GetBytes(XOAuth2Blob(user, secret))),
            Uri.EscapeDataString(secret),
            WebUtility.UrlEncode(secret),
            JsonSerializer.Serialize(secret).Trim('"'),
            B64Url(Encoding.UTF8.GetBytes(secret)),
        };
        string[] parts = secret.Split('.');
        if (parts.Length == 3)
        {
            // A JWT: its payload segment and its signature alone are as good as the token for spotting a leak.
            forms.Add(parts[1]);
            forms.Add(parts[2]);
        }

        return forms.Where(f => f.Length >= 8).Distinct().ToList();
    }

    public static void AssertNoSecret(IReadOnlyDictionary<string, string?> texts, string secret, string user = Mailbox)
    {
        foreach ((string where, string? text) in texts)
        {
            if (text is null)
            {
                continue;
            }

            foreach (string form in Forms(secret, user))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{where} contains the secret as '{form}':\n{text}");
            }
        }
    }

    public static Dictionary<string, string?> Texts(SmtpConnectionTestResult result) => new()
    {
        ["Transcript"] = string.Join("\n", result.Transcript),
        ["Error"] = result.Error,
        ["ServerResponse"] = result.ServerResponse,
        ["ToString()"] = result.ToString(),
        ["Hint"] = result.Hint,
        ["Stages"] = string.Join("\n", result.Stages),
        ["Warnings"] = string.Join("\n", result.Warnings),
    };

    /// <summary>Every file below a folder, read as UTF-8 and as Latin-1 (so no byte form escapes the search).</summary>
    public static Dictionary<string, string?> FileTexts(string directory)
    {
        var texts = new Dictionary<string, string?>();
        if (!Directory.Exists(directory))
        {
            return texts;
        }

        foreach (string file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes = File.ReadAllBytes(file);
            texts[file + " (UTF-8)"] = Encoding.UTF8.GetString(bytes);
            texts[file + " (Latin-1)"] = Encoding.Latin1.GetString(bytes);
            texts[file + " (UTF-16)"] = Encoding.Unicode.GetString(bytes);
        }

        return texts;
    }

    /// <summary>A loopback port with nothing listening on it (bound, then released).</summary>
    public static int UnusedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public static string Describe(SmtpConnectionTestResult result) => ProbeKit.Describe(result) + $"\nError: {result.Error}\nCode: {result.SmtpStatusCode} {result.EnhancedStatusCode}";

    public static string Describe(LoopbackSmtpServer server) =>
        $"Mismatches: {string.Join(" | ", server.Mismatches)}\nErrors: {string.Join(" | ", server.Errors)}\nClient sent:\n{server.ClientText}";
}

/// <summary>
/// A Microsoft-identity-platform look-alike on http://127.0.0.1:port/ (loopback http is allowed by CheckAuthority): POST
/// /{tenant}/oauth2/v2.0/token records its form and answers a fresh token, or the scripted failure.
/// </summary>
internal sealed class FakeTokenEndpoint : IDisposable
{
    public const string InvalidClientBody =
        "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '11111111-2222-3333-4444-555555555555'. Trace ID: 0f0e Correlation ID: 1a2b Timestamp: 2025-01-01 00:00:00Z\",\"error_codes\":[7000215],\"timestamp\":\"2025-01-01 00:00:00Z\",\"trace_id\":\"0f0e\",\"correlation_id\":\"1a2b\"}";

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _forms = new();
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentQueue<string> _paths = new();
    private int _hits;

    public FakeTokenEndpoint()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = OAuthKit.UnusedPort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Port = port;
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The authority to save in a profile: the token endpoint is {Authority}/{tenant}/oauth2/v2.0/token.</summary>
    public string Authority => $"http://127.0.0.1:{Port}";

    /// <summary>Makes the next token (null: a good app token per request).</summary>
    public Func<string>? TokenFactory { get; set; }

    /// <summary>expires_in of the tokens issued.</summary>
    public int ExpiresIn { get; set; } = 3599;

    /// <summary>When set, every request is answered with this status and body instead of a token.</summary>
    public (int Status, string Body)? Failure { get; set; }

    public int Hits => Volatile.Read(ref _hits);

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Forms => _forms.ToArray();

    public IReadOnlyList<string> Issued => _issued.ToArray();

    public IReadOnlyList<string> Paths => _paths.ToArray();

    public void Dispose()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        _loop.Wait(TimeSpan.FromSeconds(2));
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Handle(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the test sees it in its own result.
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        Interlocked.Increment(ref _hits);
        HttpListenerRequest request = context.Request;
        _paths.Enqueue(request.HttpMethod + " " + request.Url!.AbsolutePath);
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = reader.ReadToEnd();
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            form[key] = eq < 0 ? string.Empty : WebUtility.UrlDecode(pair[(eq + 1)..]);
        }

        _forms.Enqueue(form);
        int status;
        string answer;
        if (request.HttpMethod != "POST" || !request.Url.AbsolutePath.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            (status, answer) = (404, "{\"error\":\"not_found\"}");
        }
        else if (Failure is (int failStatus, string failBody))
        {
            (status, answer) = (failStatus, failBody);
        }
        else
        {
            string token = (TokenFactory ?? OAuthKit.GoodAppToken)();
            _issued.Enqueue(token);
            status = 200;
            answer = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = ExpiresIn,
                ["ext_expires_in"] = ExpiresIn,
                ["access_token"] = token,
            });
        }

        byte[] bytes = Encoding.UTF8.GetBytes(answer);
        HttpListenerResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes, 0, bytes.Length);
        response.Close();
    }
}
