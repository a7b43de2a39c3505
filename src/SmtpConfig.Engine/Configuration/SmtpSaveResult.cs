using System.Collections.Generic;

namespace SmtpConfig;

/// <summary>What a save did: the profile as stored, whether it is new or changed, and warnings about the settings.</summary>
public sealed class SmtpSaveResult
{
    internal SmtpSaveResult(SmtpConfiguration configuration, bool created, bool changed, long revision, IReadOnlyList<string> warnings)
    {
        Configuration = configuration;
        Created = created;
        Changed = changed;
        Revision = revision;
        Warnings = warnings;
    }

    /// <summary>The profile as stored.</summary>
    public SmtpConfiguration Configuration { get; }

    /// <summary>Whether the profile is new.</summary>
    public bool Created { get; }

    /// <summary>Whether any setting changed.</summary>
    public bool Changed { get; }

    /// <summary>The stored revision; a validation result is recorded against it.</summary>
    public long Revision { get; }

    /// <summary>Warnings about legal but risky settings.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
