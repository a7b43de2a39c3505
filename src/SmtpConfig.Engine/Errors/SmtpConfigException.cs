using System;

namespace SmtpConfig;

/// <summary>
/// The one exception type the engine throws on purpose: a stable error id, a kind, the object it is about and what
/// the user can do next. The inner exception is kept.
/// </summary>
public sealed class SmtpConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SmtpConfigException(string errorId, FailureKind kind, string message, string? recommendedAction = null, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
        RecommendedAction = recommendedAction;
        Target = target;
    }

    /// <summary>One of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public FailureKind Kind { get; }

    /// <summary>What to do next, in the user's words.</summary>
    public string? RecommendedAction { get; }

    /// <summary>The profile, file or value the failure is about.</summary>
    public object? Target { get; }
}
