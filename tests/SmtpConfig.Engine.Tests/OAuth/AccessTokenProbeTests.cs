using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;
using SmtpConfig.OAuth;
using SmtpConfig.Tests.Diagnostics;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.OAuth;

/// <summary>Test-SmtpConnection -AccessToken: the caller's token goes out as XOAUTH2; a refusal is explained.</summary>
[Collection(OAuthTokenCacheGroup.Name)]
public sealed class AccessTokenProbeTests
{
    public AccessTokenProbeTests() => ClientCredentialTokenSource.Clear();

    private static SmtpProbeRequest Request(LoopbackSmtpServer server, string token) =>
        new(server.Host, server.Port, EncryptionMode.None)
        {
            TimeoutSec = 5,
            AccessToken = OAuthKit.Secure(token),
            OAuthUserName = OAuthKit.Mailbox,
        };

    [Fact]
    public async Task Accepted_token_authenticates_with_xoauth2_as_the_oauth_user()
    {
        string token = OAuthKit.GoodAppToken();
        int fetches = ClientCredentialTokenSource.FetchCount;
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-ok.smtp");

        SmtpConnectionTestResult result = await ProbeKit.RunAsync(server, Request(server, token));

        ProbeKit.AssertSucceeded(result);
        Assert.True(result.Authenticated, OAuthKit.Describe(result));
        Assert.Empty(server.Mismatches);
        SmtpStageResult auth = Assert.Single(result.Stages, s => s.Name == SmtpStage.Authenticate);
        Assert.Contains("XOAUTH2", auth.Detail, StringComparison.Ordinal);
        Assert.Contains(OAuthKit.Mailbox, auth.Detail, StringComparison.Ordinal);
        Assert.Equal(OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token), Assert.Single(OAuthKit.XOAuth2Sent(server)));
        Assert.Equal(fetches, ClientCredentialTokenSource.FetchCount);
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), token);
    }

    [Fact]
    public async Task Refused_token_reports_535_573_with_the_challenge_and_claims_but_not_the_token()
    {
        DateTimeOffset exp = DateTimeOffset.UtcNow.AddMinutes(50);
        string token = OAuthKit.Jwt(OAuthKit.ExchangeAudience, new[] { "SMTP.SendAsApp" }, exp);
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-refused-573.smtp");

        SmtpConnectionTestResult result = await ProbeKit.RunAsync(server, Request(server, token));

        string context = OAuthKit.Describe(result);
        Assert.False(result.Succeeded, context);
        Assert.False(result.Authenticated, context);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Equal(535, result.SmtpStatusCode);
        Assert.Equal("5.7.3", result.EnhancedStatusCode);
        Assert.StartsWith("535", result.ServerResponse, StringComparison.Ordinal);
        Assert.Empty(server.Mismatches);
        Assert.Contains("\"status\":\"401\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("https://outlook.office.com/SMTP.Send", result.Error, StringComparison.Ordinal);
        Assert.Contains(OAuthKit.ExchangeAudience, result.Error, StringComparison.Ordinal);
        Assert.Contains("SMTP.SendAsApp", result.Error, StringComparison.Ordinal);
        Assert.Contains(DateTimeOffset.FromUnixTimeSeconds(exp.ToUnixTimeSeconds()).ToString("u", CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
        Assert.Contains(OAuthKit.Mailbox, result.Error, StringComparison.Ordinal);
        Assert.Equal(SmtpStage.Authenticate, result.Stages[^1].Name);
        Assert.False(result.Stages[^1].Succeeded);
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), token);
    }

    public static TheoryData<string, string> Causes => new()
    {
        { "expired", "expired" },
        { "graph-audience", OAuthSettings.DefaultScope },
        { "no-sendasapp-role", "SMTP.SendAsApp" },
        { "correct", "SMTP AUTH is disabled for the mailbox" },
        { "opaque", "Google" },
        { "delegated-without-smtp-send", "SMTP.Send scope" },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public async Task Refused_token_hint_names_the_cause(string cause, string expected)
    {
        string token = cause switch
        {
            "expired" => OAuthKit.Jwt(OAuthKit.ExchangeAudience, new[] { "SMTP.SendAsApp" }, DateTimeOffset.UtcNow.AddMinutes(-10)),
            "graph-audience" => OAuthKit.Jwt(OAuthKit.GraphAudience, new[] { "Mail.Send" }, DateTimeOffset.UtcNow.AddHours(1)),
            "no-sendasapp-role" => OAuthKit.Jwt(OAuthKit.ExchangeAudience, new[] { "full_access_as_app", "Mail.Send" }, DateTimeOffset.UtcNow.AddHours(1)),
            "correct" => OAuthKit.GoodAppToken(),
            "opaque" => "ya29.a0AfH6SMBcanaryOpaqueGoogleToken-7f3c9e1d2b4a",
            "delegated-without-smtp-send" => OAuthKit.Jwt(OAuthKit.ExchangeAudience, null, DateTimeOffset.UtcNow.AddHours(1), scp: "IMAP.AccessAsUser.All"),
            _ => throw new ArgumentOutOfRangeException(nameof(cause)),
        };
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-refused-573.smtp");

        SmtpConnectionTestResult result = await ProbeKit.RunAsync(server, Request(server, token));

        string context = OAuthKit.Describe(result);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Equal(535, result.SmtpStatusCode);
        Assert.Equal("5.7.3", result.EnhancedStatusCode);
        Assert.NotNull(result.Hint);
        Assert.True(result.Hint!.Contains(expected, StringComparison.OrdinalIgnoreCase), $"Hint for {cause} should name '{expected}': {result.Hint}\n{context}");
        if (cause == "correct")
        {
            Assert.Contains(OAuthKit.Mailbox, result.Hint, StringComparison.Ordinal);
            Assert.Contains("service principal", result.Hint, StringComparison.OrdinalIgnoreCase);
        }

        if (cause == "graph-audience")
        {
            Assert.Contains(OAuthKit.GraphAudience, result.Error, StringComparison.Ordinal);
        }

        if (cause != "expired")
        {
            Assert.DoesNotContain("expired", result.Hint, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(OAuthKit.XOAuth2Blob(OAuthKit.Mailbox, token), Assert.Single(OAuthKit.XOAuth2Sent(server)));
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), token);
    }

    [Fact]
    public async Task Without_an_oauth_user_name_the_from_address_is_the_xoauth2_user()
    {
        string token = OAuthKit.GoodAppToken();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-envelope.smtp");
        SmtpProbeRequest request = Request(server, token);
        request.OAuthUserName = null;
        request.From = "Alerts <sender@contoso.example>";

        SmtpConnectionTestResult result = await ProbeKit.RunAsync(server, request);

        ProbeKit.AssertSucceeded(result);
        Assert.True(result.Authenticated, OAuthKit.Describe(result));
        Assert.Empty(server.Mismatches);
        Assert.Equal(OAuthKit.XOAuth2Blob("sender@contoso.example", token), Assert.Single(OAuthKit.XOAuth2Sent(server)));
    }

    [Fact]
    public async Task Transient_454_after_xoauth2_gets_the_temporary_hint_not_a_token_diagnosis()
    {
        // A 4xx is the server's trouble, not the token's: the password path says so (FailureHints.ForAuthentication),
        // the XOAUTH2 path should too, instead of blaming the mailbox's SMTP AUTH setting.
        string token = OAuthKit.GoodAppToken();
        await using LoopbackSmtpServer server = ProbeKit.Server("oauth-xoauth2-454.smtp");

        SmtpConnectionTestResult result = await ProbeKit.RunAsync(server, Request(server, token));

        string context = OAuthKit.Describe(result);
        Assert.Equal(SmtpStage.Authenticate, result.FailedStage);
        Assert.Equal(454, result.SmtpStatusCode);
        Assert.Equal("4.7.0", result.EnhancedStatusCode);
        Assert.True(result.Hint == SmtpConfig.Diagnostics.FailureHints.Temporary, $"Hint '{result.Hint}', expected the temporary-failure hint\n{context}");
        OAuthKit.AssertNoSecret(OAuthKit.Texts(result), token);
    }
}
