using System;

namespace SmtpConfig;

/// <summary>
/// The client-credentials flow of an OAuth2 profile: tenant, application (client) id, scope and authority. The token
/// endpoint is {Authority}/{TenantId}/oauth2/v2.0/token (Microsoft identity platform).
/// </summary>
public sealed record OAuthSettings
{
    /// <summary>Microsoft 365's SMTP scope for the client-credentials flow.</summary>
    public const string DefaultScope = "https://outlook.office365.com/.default";

    /// <summary>The Microsoft identity platform.</summary>
    public const string DefaultAuthority = "https://login.microsoftonline.com";

    /// <summary>Creates the settings.</summary>
    public OAuthSettings(string tenantId, string clientId, string scope, string authority)
    {
        TenantId = tenantId;
        ClientId = clientId;
        Scope = scope;
        Authority = authority;
    }

    /// <summary>The directory (tenant) id or domain.</summary>
    public string TenantId { get; }

    /// <summary>The application (client) id.</summary>
    public string ClientId { get; }

    /// <summary>The scope asked for.</summary>
    public string Scope { get; }

    /// <summary>The authority, e.g. https://login.microsoftonline.com.</summary>
    public string Authority { get; }

    /// <summary>Certificate credential: the thumbprint of a certificate with its private key in the user's store (CurrentUser\My).</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>Certificate credential: a PFX (PKCS#12) file with the private key; its password is the profile's secret.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Whether the app proves itself with a certificate (a signed client assertion) instead of a client secret.</summary>
    public bool UsesCertificate => CertificateThumbprint is not null || CertificatePath is not null;

    /// <summary>Where the token is asked for.</summary>
    public Uri TokenEndpoint => new($"{Authority.TrimEnd('/')}/{Uri.EscapeDataString(TenantId)}/oauth2/v2.0/token");

    /// <summary>Refuses an authority that is not https, except http on this machine (a test endpoint).</summary>
    public static string CheckAuthority(string authority)
    {
        if (!Uri.TryCreate(authority, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SmtpConfigException(ErrorIds.InvalidOAuthSettings, FailureKind.InvalidArgument, $"'{authority}' is not an http(s) URI.", $"Give the authority as a URI, e.g. {DefaultAuthority}.", authority);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new SmtpConfigException(ErrorIds.OAuthAuthorityInsecure, FailureKind.SecurityError, $"The authority '{authority}' uses plain http: the client secret would cross the network unencrypted.", "Use https (plain http is accepted only for a test endpoint on this machine).", authority);
        }

        return authority.TrimEnd('/');
    }
}
