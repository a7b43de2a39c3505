using System;

namespace SmtpConfig;

/// <summary>One stage of a test: whether it passed, how long it took and what was seen.</summary>
public sealed class SmtpStageResult
{
    internal SmtpStageResult(SmtpStage name, bool succeeded, TimeSpan duration, string? detail)
    {
        Name = name;
        Succeeded = succeeded;
        Duration = duration;
        Detail = detail;
    }

    /// <summary>The stage.</summary>
    public SmtpStage Name { get; }

    /// <summary>Whether it passed.</summary>
    public bool Succeeded { get; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>What was seen: an address, a banner, a protocol, an error.</summary>
    public string? Detail { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {(Succeeded ? "ok" : "FAILED")} ({Duration.TotalMilliseconds:0} ms){(Detail is null ? string.Empty : ": " + Detail)}";
}
