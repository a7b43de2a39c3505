namespace SmtpConfig;

/// <summary>How a profile authenticates to the server.</summary>
public enum AuthenticationKind
{
    /// <summary>No AUTH: the server relays for this client without a login.</summary>
    None = 0,

    /// <summary>A user name and password (SASL PLAIN or LOGIN).</summary>
    Password = 1,

    /// <summary>An OAuth2 access token (SASL XOAUTH2).</summary>
    OAuth2 = 2,
}
