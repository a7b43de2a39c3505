using System.Security;

namespace SmtpConfig;

/// <summary>
/// A profile and its decrypted secret, read together from one state of the store (see
/// <see cref="SmtpConfigurationStore.GetWithSecrets"/>). Engine-internal hand-over to a connection request: never
/// written to the pipeline.
/// </summary>
public sealed class SmtpStoredProfile
{
    internal SmtpStoredProfile(SmtpConfiguration profile, SecureString? secret)
    {
        Profile = profile;
        Secret = secret;
    }

    /// <summary>The profile as stored.</summary>
    public SmtpConfiguration Profile { get; }

    /// <summary>Its password or OAuth client secret, or null when none is stored.</summary>
    public SecureString? Secret { get; }

    /// <summary>The profile's name only: the secret is never part of a string.</summary>
    public override string ToString() => Profile.Name;
}
