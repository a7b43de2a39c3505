using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.OAuth;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using SmtpConfig.Tests.Mail;
using SmtpConfig.Tests.TestSupport;
using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>
/// OAuth2 profiles: the token is fetched with the client-credentials flow from the profile's authority, cached in
/// memory until 5 minutes before expiry, and sent as XOAUTH2. Failures of the token endpoint land on Authenticate.
/// </summary>
[Collection(OAuthTokenCacheGroup.Name)]
public sealed class ClientCredentialProfileTests : IDisposable
{
    private const string ProfileName = "M365-App";
    private readonly TempStore _temp = new();

    public ClientCredentialProfileTests() => ClientCredentialTokenSource.Clear();

    public void Dispose()
    {
        ClientCredentialTokenSource.Clear();
        _temp.Dispose();
    }

    private SmtpConfiguration SaveProfile(LoopbackSmtpServer server, string authority, string? userName = null, string? scope = null)
    {
        SmtpSaveResult saved = _temp.Store.Save(new SmtpProfileChange(ProfileName)
        {
            Server = server.Host,
            Port = server.Port,
            Encryption = EncryptionMode.None,
            From = OAuthKit.Mailbox,
            UserName = userName,
            Authentication = AuthenticationKind.OAuth2,
            OAuthTenantId = OAuthKit.Tenant,
            OAuthClientId = OAuthKit.ClientId,
            OAuthClientSecret = OAuthKit.Secure(OAuthKit.ClientSecretCanary),
            OAuthScope = scope,
            OAuthAuthority = authority,
            TimeoutSec = 5,
        });
        return saved.Configuration;
    }

    private SmtpProbeRequest RequestFor(SmtpConfiguration profile) =>
        SmtpProbeRequest.ForProfile(profile, _temp.Store.ReadSecret(profile.Name));

    private static Task<SmtpConnectionTestResult> RunAsync(SmtpProbeRequest request) =>
        ProbeKit.OnOwnThread(() => ConnectionProbe.Run(request, CancellationToken.None));

    [Fact]
    public async Task Profile_fetches_a_token_with_client_credentials_and_sends_it_as_xoauth2()
    {
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);
        int fetches = ClientCredentialTokenSource.FetchCount;

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(result);
        Assert.True(result.Authenticated);
        Assert.Empty(server.Mismatches);
        Assert.Equal(1, endpoint.Hits);
        Assert.Equal(fetches + 1, ClientCredentialTokenSource.FetchCount);
        Assert.Equal($"POST /{OAuthKit.Tenant}/oauth2/v2.0/token", Assert.Single(endpoint.Paths));
        IReadOnlyDictionary<string, string> form = Assert.Single(endpoint.Forms);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(OAuthKit.ClientId, form["client_id"]);
        Assert.Equal(OAuthKit.ClientSecretCanary, form["client_secret"]);
        Assert.Equal("https://outlook.office365.com/.default", form["scope"]);
        string token = Assert.Single(endpoint.Issued);
        Assert.Equal(OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token), Assert.Single(OAuthKit.XOAuth2Sent(server)));
        SmtpStageResult auth = Assert.Single(result.Stages, s => s.Name == SmtpStage.Authenticate);
        Assert.Contains("XOAUTH2", auth.Detail, StringComparison.Ordinal);
        Assert.Contains(OAuthKit.ClientId, auth.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_user_name_is_the_xoauth2_user_and_a_custom_scope_is_asked_for()
    {
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority, userName: "shared-mailbox@contoso.example", scope: "https://outlook.office.com/.default");

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(result);
        Assert.Equal("https://outlook.office.com/.default", Assert.Single(endpoint.Forms)["scope"]);
        Assert.Equal(OAuthKit.XOAuth2Blob("shared-mailbox@contoso.example", Assert.Single(endpoint.Issued)), Assert.Single(OAuthKit.XOAuth2Sent(server)));
    }

    [Fact]
    public async Task Second_run_within_the_lifetime_uses_the_cached_token()
    {
        using var endpoint = new FakeTokenEndpoint();
        SmtpDialogue ok = SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp");
        await using var server = new LoopbackSmtpServer(new[] { ok, ok });
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);
        int fetches = ClientCredentialTokenSource.FetchCount;

        SmtpConnectionTestResult first = await RunAsync(RequestFor(profile));
        SmtpConnectionTestResult second = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(first);
        ProbeKit.AssertSucceeded(second);
        Assert.Empty(server.Mismatches);
        Assert.Equal(1, endpoint.Hits);
        Assert.Equal(fetches + 1, ClientCredentialTokenSource.FetchCount);
        string token = Assert.Single(endpoint.Issued);
        Assert.Equal(new[] { OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token), OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token) }, OAuthKit.XOAuth2Sent(server));
    }

    [Fact]
    public async Task Token_inside_the_refresh_margin_is_fetched_again()
    {
        using var endpoint = new FakeTokenEndpoint { ExpiresIn = 60 };
        SmtpDialogue ok = SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp");
        await using var server = new LoopbackSmtpServer(new[] { ok, ok });
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);
        int fetches = ClientCredentialTokenSource.FetchCount;

        SmtpConnectionTestResult first = await RunAsync(RequestFor(profile));
        SmtpConnectionTestResult second = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(first);
        ProbeKit.AssertSucceeded(second);
        Assert.True(TimeSpan.FromSeconds(60) < ClientCredentialTokenSource.RefreshMargin);
        Assert.Equal(2, endpoint.Hits);
        Assert.Equal(fetches + 2, ClientCredentialTokenSource.FetchCount);
        Assert.Equal(endpoint.Issued.Select(t => OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, t)), OAuthKit.XOAuth2Sent(server));
        Assert.NotEqual(endpoint.Issued[0], endpoint.Issued[1]);
    }

    [Fact]
    public async Task Changed_secret_fetches_a_new_token_instead_of_using_the_cached_one()
    {
        using var endpoint = new FakeTokenEndpoint();
        SmtpDialogue ok = SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp");
        await using var server = new LoopbackSmtpServer(new[] { ok, ok });
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);

        SmtpConnectionTestResult first = await RunAsync(RequestFor(profile));
        _temp.Store.Save(new SmtpProfileChange(ProfileName) { OAuthClientSecret = OAuthKit.Secure("Rotated-secret-value-2") });
        SmtpConnectionTestResult second = await RunAsync(RequestFor(_temp.Store.Find(ProfileName)!));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(first);
        ProbeKit.AssertSucceeded(second);
        Assert.Equal(2, endpoint.Hits);
        Assert.Equal("Rotated-secret-value-2", endpoint.Forms[1]["client_secret"]);
    }

    [Fact]
    public async Task Send_test_mail_through_an_oauth2_profile()
    {
        using var endpoint = new FakeTokenEndpoint();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-send.smtp");
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);
        var request = new SmtpTestMailRequest(RequestFor(profile), profile.From, new[] { "ops@contoso.example" })
        {
            ComputerName = "BUILD-PC-17",
            UserName = "tester-jane",
        };

        SmtpTestMailResult result = await SendKit.SendAsync(server, request);

        Assert.True(result.Succeeded, SendKit.Describe(result) + "\n" + SendKit.Describe(server));
        Assert.Empty(server.Mismatches);
        Assert.Single(server.Messages);
        Assert.Equal(new[] { "ops@contoso.example" }, result.AcceptedRecipients);
        Assert.Contains(result.Stages, s => s.Name == SmtpStage.Authenticate && s.Succeeded);
        Assert.Equal(1, endpoint.Hits);
        Assert.Equal(OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, Assert.Single(endpoint.Issued)), Assert.Single(OAuthKit.XOAuth2Sent(server)));
        Assert.Contains("MAIL FROM:<" + OAuthKit.Mailbox + ">", server.ClientText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Wrong_client_secret_fails_at_authenticate_with_the_aadsts_code()
    {
        using var endpoint = new FakeTokenEndpoint { Failure = (401, FakeTokenEndpoint.InvalidClientBody) };
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        string context = OAuthKit.Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.False(result.Authenticated, context);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains("AADSTS7000215", result.Error, StringComparison.Ordinal);
        Assert.Contains("invalid_client", result.Error, StringComparison.Ordinal);
        Assert.Contains("client secret", result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Null(result.SmtpStatusCode);
        Assert.Equal(1, endpoint.Hits);
        Assert.DoesNotContain("AUTH XOAUTH2", server.ClientText, StringComparison.Ordinal);
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), OAuthKit.ClientSecretCanary);
    }

    [Fact]
    public async Task Refused_token_is_not_cached()
    {
        using var endpoint = new FakeTokenEndpoint { Failure = (401, FakeTokenEndpoint.InvalidClientBody) };
        SmtpDialogue fail = SmtpDialogue.FromResource("oauth-xoauth2-token-error.smtp");
        await using var server = new LoopbackSmtpServer(new[] { fail, SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp") });
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);

        SmtpConnectionTestResult first = await RunAsync(RequestFor(profile));
        endpoint.Failure = null;
        SmtpConnectionTestResult second = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        Assert.Equal(SmtpStage.Authenticate, first.FailedStage);
        ProbeKit.AssertSucceeded(second);
        Assert.Equal(2, endpoint.Hits);
    }

    [Fact]
    public async Task Unreachable_token_endpoint_fails_at_authenticate_within_the_timeout()
    {
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        string authority = $"http://127.0.0.1:{OAuthKit.UnusedPort()}";
        SmtpConfiguration profile = SaveProfile(server, authority);
        var clock = Stopwatch.StartNew();

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        clock.Stop();
        string context = OAuthKit.Describe(result);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
        Assert.Contains(authority + "/" + OAuthKit.Tenant + "/oauth2/v2.0/token", result.Error, StringComparison.Ordinal);
        Assert.Contains("could not be reached", result.Hint, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(profile.TimeoutSec), $"took {clock.Elapsed}\n{context}");
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), OAuthKit.ClientSecretCanary);
    }

    [Fact]
    public async Task Silent_token_endpoint_fails_at_authenticate_within_the_timeout()
    {
        // Accepts the TCP connection and never answers: the fetch must be bounded by the probe's own deadline.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        Task accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await silent.AcceptTcpClientAsync());
                }
            }
            catch (Exception)
            {
                // Stopped.
            }
        });
        try
        {
            await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
            SmtpConfiguration profile = SaveProfile(server, $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}");
            SmtpProbeRequest request = RequestFor(profile);
            request.TimeoutSec = 2;
            var clock = Stopwatch.StartNew();

            SmtpConnectionTestResult result = await RunAsync(request);

            clock.Stop();
            string context = OAuthKit.Describe(result);
            Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
            Assert.False(string.IsNullOrWhiteSpace(result.Error), context);
            Assert.False(string.IsNullOrWhiteSpace(result.Hint), context);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"took {clock.Elapsed}\n{context}");
            OAuthKit.AssertNoSecret(OAuthKit.Texts(result), OAuthKit.ClientSecretCanary);
        }
        finally
        {
            silent.Stop();
            await accepting.WaitAsync(ProbeKit.Patience);
            foreach (System.Net.Sockets.TcpClient client in held)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Endpoint_answering_non_json_fails_at_authenticate()
    {
        using var endpoint = new FakeTokenEndpoint { Failure = (502, "<html>Bad gateway</html>") };
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-token-error.smtp");
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);

        SmtpConnectionTestResult result = await RunAsync(RequestFor(profile));

        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Contains("502", result.Error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Hint));
    }

    [Fact]
    public async Task Canary_sweep_client_secret_and_token_never_leak_into_results_or_store_files()
    {
        using var endpoint = new FakeTokenEndpoint();
        SmtpDialogue ok = SmtpDialogue.FromResource("oauth-xoauth2-ok.smtp");
        SmtpDialogue refused = SmtpDialogue.FromResource("oauth-xoauth2-refused-573.smtp");
        await using var server = new LoopbackSmtpServer(new[] { ok, refused });
        SmtpConfiguration profile = SaveProfile(server, endpoint.Authority);

        SmtpConnectionTestResult accepted = await RunAsync(RequestFor(profile));
        SmtpConnectionTestResult denied = await RunAsync(RequestFor(profile));
        await server.Completion.WaitAsync(ProbeKit.Patience);

        ProbeKit.AssertSucceeded(accepted);
        Assert.Equal(SmtpStage.Authenticate, denied.FailedStage);
        string token = Assert.Single(endpoint.Issued);
        Assert.Equal(2, OAuthKit.XOAuth2Sent(server).Count);
        var texts = new Dictionary<string, string?>();
        foreach ((string key, string? value) in OAuthKit.Texts(accepted))
        {
            texts["accepted " + key] = value;
        }

        foreach ((string key, string? value) in OAuthKit.Texts(denied))
        {
            texts["refused " + key] = value;
        }

        foreach ((string key, string? value) in OAuthKit.FileTexts(_temp.StoreDir))
        {
            texts[key] = value;
        }

        texts["profile"] = _temp.Store.Find(profile.Name)!.ToString();
        Assert.Contains(texts.Keys, k => k.Contains(SmtpConfigurationStore.StoreFileName, StringComparison.Ordinal));
        OAuthKit.AssertNoSecret(texts, OAuthKit.ClientSecretCanary);
        OAuthKit.AssertNoSecret(texts, token);
    }
}
