namespace SmtpConfig.Tests.Fakes;

/// <summary>What one step of an <see cref="SmtpDialogue"/> does.</summary>
public enum SmtpStepKind
{
    /// <summary><c>S:</c> line(s) the server sends (consecutive lines are merged into one step).</summary>
    Send,

    /// <summary><c>C:</c> a line the client must send; <c>*</c> is a wildcard.</summary>
    Expect,

    /// <summary><c>! disconnect</c>: close the connection now.</summary>
    Disconnect,

    /// <summary><c>! stall &lt;n&gt;s|ms</c>: send nothing for that long, or until the client hangs up.</summary>
    Stall,

    /// <summary><c>! close-before-greeting</c>: accept the connection, then close it at once.</summary>
    CloseBeforeGreeting,

    /// <summary><c>! garbage [http|binary]</c>: send non-SMTP bytes.</summary>
    Garbage,

    /// <summary><c>! starttls</c>: upgrade the connection to TLS as the server.</summary>
    StartTls,

    /// <summary><c>! data</c>: read the DATA payload up to the terminating <c>.</c> line.</summary>
    Data,

    /// <summary><c>! wait-close</c>: send nothing and wait for the client to close.</summary>
    WaitClose,
}
