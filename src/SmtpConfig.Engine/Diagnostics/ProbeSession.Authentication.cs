using System.Net;
using System.Threading;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpConfig.Protection;

namespace SmtpConfig.Diagnostics;

/// <summary>The Authenticate stage: a password over SASL, or an OAuth2 token over XOAUTH2 (fetched or given).</summary>
internal sealed partial class ProbeSession
{
    private void Authenticate(CancellationToken token)
    {
        bool oauth = _request.AccessToken is not null || (_request.OAuth is not null && (_request.OAuthClientSecret is not null || _request.OAuth.UsesCertificate));
        if (!oauth && (_request.UserName is null || _request.Password is null))
        {
            return;
        }

        Begin(SmtpStage.Authenticate);
        if (!_client!.Capabilities.HasFlag(SmtpCapabilities.Authentication) || _client.AuthenticationMechanisms.Count == 0)
        {
            RecordFailure(SmtpStage.Authenticate, "The server offers no AUTH on this connection, but credentials were given.", FailureHints.AuthNotOffered, null);
            throw new ProbeStoppedException();
        }

        if (oauth)
        {
            AuthenticateOAuth(token);
            return;
        }

        _client.Timeout = RemainingMilliseconds();
        _client.Authenticate(new NetworkCredential(_request.UserName, SecretText.Reveal(_request.Password!)), token);
        _result.Authenticated = true;
        Pass($"as {_request.UserName}");
    }

    private void AuthenticateOAuth(CancellationToken token)
    {
        string user = _request.OAuthUserName ?? _request.UserName ?? (_request.From is null ? string.Empty : MailboxAddress.Parse(_request.From).Address);
        if (!_client!.AuthenticationMechanisms.Contains("XOAUTH2"))
        {
            RecordFailure(SmtpStage.Authenticate, $"The server does not offer XOAUTH2 (it offers {string.Join(", ", _client.AuthenticationMechanisms)}).", "This server does not take OAuth2 tokens on this port: use a password profile, or the provider's OAuth-capable endpoint (Microsoft 365: smtp.office365.com:587).", null);
            throw new ProbeStoppedException();
        }

        string accessToken;
        string source;
        if (_request.AccessToken is not null)
        {
            accessToken = SecretText.Reveal(_request.AccessToken);
            source = "a caller-supplied token";
        }
        else
        {
            try
            {
                accessToken = OAuth.ClientCredentialTokenSource.GetToken(_request.OAuth!, _request.OAuthClientSecret, Remaining, token);
            }
            catch (OAuth.OAuthTokenException ex)
            {
                RecordFailure(SmtpStage.Authenticate, ex.Message + (ex.Description is null ? string.Empty : $" ({ex.Description.Trim()})"), OAuth.OAuthDiagnosis.HintForTokenError(ex, _request.OAuth!.UsesCertificate), null);
                throw new ProbeStoppedException();
            }

            source = $"a token for app {_request.OAuth!.ClientId}";
        }

        _client.Timeout = RemainingMilliseconds();
        try
        {
            _client.Authenticate(new SaslMechanismOAuth2(user, accessToken), token);
        }
        catch (MailKit.Security.AuthenticationException)
        {
            SmtpReply? reply = SmtpReply.Parse(_transcript.LastReply);
            (string error, string hint) = OAuth.OAuthDiagnosis.ExplainRefusal(user, accessToken, _transcript.LastChallenge, reply?.Text);
            if (reply is { Code: >= 400 and < 500 })
            {
                // A temporary refusal says nothing about the token: try again later, the facts stay in Error.
                hint = FailureHints.Temporary;
            }

            RecordFailure(SmtpStage.Authenticate, error, hint, reply);
            throw new ProbeStoppedException();
        }

        _result.Authenticated = true;
        Pass($"XOAUTH2 as {user} with {source}");
    }
}
