namespace SmtpConfig;

/// <summary>What kind of failure an engine exception reports; the cmdlets map it to an ErrorCategory.</summary>
public enum FailureKind
{
    /// <summary>A parameter value is wrong.</summary>
    InvalidArgument,

    /// <summary>Parameters that do not go together.</summary>
    InvalidOperation,

    /// <summary>The named object does not exist.</summary>
    ObjectNotFound,

    /// <summary>Reading stored data failed.</summary>
    ReadError,

    /// <summary>Writing stored data failed.</summary>
    WriteError,

    /// <summary>A security rule refused the operation.</summary>
    SecurityError,

    /// <summary>A connection could not be made or was lost.</summary>
    ConnectionError,

    /// <summary>Authentication failed.</summary>
    AuthenticationError,

    /// <summary>The server answered outside the protocol or refused a command.</summary>
    ProtocolError,

    /// <summary>The operation ran out of time.</summary>
    OperationTimeout,

    /// <summary>Data did not parse.</summary>
    ParserError,
}
