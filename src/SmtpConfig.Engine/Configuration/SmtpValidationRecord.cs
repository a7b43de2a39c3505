using System;

namespace SmtpConfig;

/// <summary>The outcome of the quick check that runs after a profile is saved; cleared by any later change.</summary>
public sealed class SmtpValidationRecord
{
    /// <summary>Creates a record.</summary>
    public SmtpValidationRecord(DateTimeOffset at, bool succeeded, SmtpStage? failedStage, string? error)
    {
        At = at;
        Succeeded = succeeded;
        FailedStage = failedStage;
        Error = error;
    }

    /// <summary>When the check ran (UTC).</summary>
    public DateTimeOffset At { get; }

    /// <summary>Whether every stage of the check passed.</summary>
    public bool Succeeded { get; }

    /// <summary>The stage that failed, or null.</summary>
    public SmtpStage? FailedStage { get; }

    /// <summary>What went wrong, or null.</summary>
    public string? Error { get; }

    /// <inheritdoc />
    public override string ToString() =>
        Succeeded ? $"Succeeded at {At:u}" : $"Failed at {FailedStage} ({At:u}): {Error}";
}
