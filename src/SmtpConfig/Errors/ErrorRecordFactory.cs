using System;
using System.Management.Automation;

namespace SmtpConfig.Errors;

/// <summary>The one place that turns failures into ErrorRecords: a constant id, the right category, the target and what to do next.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord FromEngine(SmtpConfigException exception) =>
        Create(exception, exception.ErrorId, Category(exception.Kind), exception.Target, exception.RecommendedAction);

    public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction)
    {
        var record = new ErrorRecord(exception, errorId, category, target)
        {
            ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction ?? string.Empty },
        };
        return record;
    }

    public static ErrorCategory Category(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.ReadError => ErrorCategory.ReadError,
        FailureKind.WriteError => ErrorCategory.WriteError,
        FailureKind.SecurityError => ErrorCategory.SecurityError,
        FailureKind.ConnectionError => ErrorCategory.ConnectionError,
        FailureKind.AuthenticationError => ErrorCategory.AuthenticationError,
        FailureKind.ProtocolError => ErrorCategory.ProtocolError,
        FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
        FailureKind.ParserError => ErrorCategory.ParserError,
        _ => ErrorCategory.InvalidOperation,
    };

    /// <summary>The category of a failed SMTP stage.</summary>
    public static ErrorCategory Category(SmtpStage? stage) => stage switch
    {
        SmtpStage.Resolve or SmtpStage.Connect or SmtpStage.Banner => ErrorCategory.ConnectionError,
        SmtpStage.Tls or SmtpStage.StartTls => ErrorCategory.SecurityError,
        SmtpStage.Authenticate => ErrorCategory.AuthenticationError,
        SmtpStage.MailFrom or SmtpStage.RcptTo => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.ProtocolError,
    };
}
