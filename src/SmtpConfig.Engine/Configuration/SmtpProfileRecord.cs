using System;

namespace SmtpConfig;

/// <summary>A profile as stored, protected secret included. Never leaves the engine.</summary>
internal sealed record SmtpProfileRecord
{
    public required string Name { get; init; }

    public required string Server { get; init; }

    public required int Port { get; init; }

    public required EncryptionMode Encryption { get; init; }

    public required string From { get; init; }

    public AuthenticationKind Authentication { get; init; }

    public string? UserName { get; init; }

    /// <summary>The secret as the protector returned it (ciphertext); null when none is stored.</summary>
    public string? ProtectedSecret { get; init; }

    /// <summary>The client-credentials settings of an OAuth2 profile (its client secret is <see cref="ProtectedSecret"/>).</summary>
    public OAuthSettings? OAuth { get; init; }

    public int TimeoutSec { get; init; } = SmtpSettingsRules.DefaultTimeoutSec;

    public bool SkipCertificateCheck { get; init; }

    public string? CertificateThumbprint { get; init; }

    public SmtpValidationRecord? LastValidation { get; init; }

    public DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Increases with every change; a validation result is recorded only against the revision it tested.</summary>
    public long Revision { get; init; }
}
