using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SmtpConfig.OAuth;

/// <summary>
/// Explains a refused XOAUTH2 login: decodes the server's base64 JSON challenge and the token's claims (without
/// validating the token) to say which is wrong: expiry, audience, missing SMTP.SendAsApp / SMTP.Send, or SMTP AUTH
/// disabled for the mailbox. Also names what to do about a token endpoint's refusal. Never returns the token.
/// </summary>
internal static class OAuthDiagnosis
{
    private static readonly string[] ExchangeAudiences =
    {
        "https://outlook.office365.com", "https://outlook.office.com", "00000002-0000-0ff1-ce00-000000000000",
    };

    public static (string Error, string Hint) ExplainRefusal(string user, string token, string? challengeBase64, string? reply)
    {
        var facts = new List<string>();
        string? challenge = DecodeChallenge(challengeBase64);
        if (challenge is not null)
        {
            facts.Add($"server's challenge: {challenge}");
        }

        Dictionary<string, JsonElement>? claims = DecodeClaims(token);
        string hint;
        if (claims is null)
        {
            hint = "The server refused the token. It is not a JWT, so its contents could not be checked: for Google the token needs the scope https://mail.google.com/ and must belong to this user.";
        }
        else
        {
            string audience = Text(claims, "aud") ?? "(none)";
            DateTimeOffset? expires = claims.TryGetValue("exp", out JsonElement exp) && exp.TryGetInt64(out long seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            string[] roles = Strings(claims, "roles");
            string[] scopes = (Text(claims, "scp") ?? string.Empty).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            string app = Text(claims, "appid") ?? Text(claims, "azp") ?? "(unknown)";
            facts.Add($"token: audience {audience}, app {app}, roles [{string.Join(", ", roles)}], scopes [{string.Join(", ", scopes)}], expires {expires?.ToString("u", CultureInfo.InvariantCulture) ?? "(unknown)"}");
            if (expires is DateTimeOffset e && e <= DateTimeOffset.UtcNow)
            {
                hint = $"The access token expired at {e:u}: get a new one (client-credential profiles fetch one themselves).";
            }
            else if (!ExchangeAudiences.Contains(audience.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
            {
                hint = $"The token is for audience '{audience}', not Exchange Online: request it with scope {OAuthSettings.DefaultScope} (-OAuthScope).";
            }
            else if (roles.Length > 0 && !roles.Contains("SMTP.SendAsApp", StringComparer.OrdinalIgnoreCase))
            {
                hint = "The app's token lacks the SMTP.SendAsApp role: grant the application permission SMTP.SendAsApp (Office 365 Exchange Online) with admin consent.";
            }
            else if (roles.Length == 0 && !scopes.Contains("SMTP.Send", StringComparer.OrdinalIgnoreCase))
            {
                hint = "The delegated token lacks the SMTP.Send scope: request https://outlook.office.com/SMTP.Send.";
            }
            else
            {
                hint = $"The token looks right (audience, permission, expiry). Then SMTP AUTH is disabled for the mailbox '{user}' (Set-CASMailbox -SmtpClientAuthenticationDisabled $false), or the app's service principal is not registered in Exchange Online with rights on that mailbox (New-ServicePrincipal, Add-MailboxPermission).";
            }
        }

        string error = $"XOAUTH2 authentication as '{user}' was refused: {reply ?? "no reply"}" + (facts.Count > 0 ? " (" + string.Join("; ", facts) + ")" : string.Empty);
        return (error, hint);
    }

    public static string HintForTokenError(OAuthTokenException ex, bool usesCertificate)
    {
        if (ex.IsCertificateProblem)
        {
            return "The app's certificate could not be used here: check -OAuthCertificatePath and -OAuthCertificatePassword, or import the certificate with its private key into CurrentUser\\My for -OAuthCertificateThumbprint; the Microsoft identity platform needs an RSA key.";
        }

        string code = (ex.Description ?? string.Empty) + " " + (ex.Error ?? string.Empty);
        // Entra answers invalid_client for a refused assertion too: the specific codes come first.
        if (code.Contains("AADSTS700027") || code.Contains("AADSTS700023") || code.Contains("invalid_client_assertion") || (usesCertificate && code.Contains("invalid_client")))
        {
            return "The client assertion was refused: upload this certificate's public key to the app registration (Certificates & secrets), and check that it has not expired.";
        }

        if (code.Contains("AADSTS7000215") || code.Contains("AADSTS7000222") || code.Contains("invalid_client"))
        {
            return "The client secret is wrong or expired: create a new secret for the app registration and save it with Set-SmtpConfiguration -OAuthClientSecret.";
        }

        if (code.Contains("AADSTS700016") || code.Contains("unauthorized_client"))
        {
            return "The application (client) id is not known in this tenant: check -OAuthClientId and -OAuthTenantId, and that the app is registered (or consented) in that tenant.";
        }

        if (code.Contains("AADSTS90002") || code.Contains("AADSTS900023"))
        {
            return "The tenant was not found: check -OAuthTenantId (the directory id or a verified domain).";
        }

        if (code.Contains("AADSTS70011") || code.Contains("invalid_scope"))
        {
            return $"The scope is not valid for this flow: the client-credentials flow needs a '.default' scope such as {OAuthSettings.DefaultScope}.";
        }

        return ex.HttpStatus is null
            ? "The token endpoint could not be reached: check the authority (-OAuthAuthority), DNS and any proxy on this machine."
            : "The token endpoint refused the request: read the provider's error in Error, and check the tenant id, client id, secret and scope.";
    }

    private static string? DecodeChallenge(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64!.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Dictionary<string, JsonElement>? DecodeClaims(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            string payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using JsonDocument json = JsonDocument.Parse(Convert.FromBase64String(payload));
            return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Text(Dictionary<string, JsonElement> claims, string name) =>
        claims.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] Strings(Dictionary<string, JsonElement> claims, string name) =>
        claims.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray()
            : Array.Empty<string>();
}
