using System;

namespace SmtpConfig.OAuth;

/// <summary>The token endpoint refused or could not be reached; carries the provider's error and description.</summary>
internal sealed class OAuthTokenException : Exception
{
    public OAuthTokenException(string message, string? error, string? description, int? httpStatus, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        Description = description;
        HttpStatus = httpStatus;
    }

    /// <summary>The app's certificate could not be used on this machine (no request was made).</summary>
    public bool IsCertificateProblem { get; init; }

    /// <summary>The OAuth error code, e.g. invalid_client.</summary>
    public string? Error { get; }

    /// <summary>The provider's error_description, e.g. "AADSTS7000215: Invalid client secret provided...".</summary>
    public string? Description { get; }

    /// <summary>The HTTP status of the token response.</summary>
    public int? HttpStatus { get; }
}
