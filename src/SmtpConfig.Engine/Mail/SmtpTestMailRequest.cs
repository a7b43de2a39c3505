using System;
using System.Collections.Generic;

namespace SmtpConfig;

/// <summary>What Send-SmtpTestMail sends: recipients, and optionally its own subject and body.</summary>
public sealed class SmtpTestMailRequest
{
    /// <summary>Creates a request; addresses are checked by TestMailSender before anything connects.</summary>
    public SmtpTestMailRequest(SmtpProbeRequest connection, string from, IReadOnlyList<string> to)
    {
        Connection = connection;
        From = from;
        To = to;
    }

    /// <summary>The server and its settings.</summary>
    public SmtpProbeRequest Connection { get; }

    /// <summary>The sender: envelope MAIL FROM and the From header.</summary>
    public string From { get; }

    /// <summary>The recipients (one message, one connection).</summary>
    public IReadOnlyList<string> To { get; }

    /// <summary>A subject instead of the default "SmtpConfig test message &lt;TestId&gt;".</summary>
    public string? Subject { get; set; }

    /// <summary>A text body instead of the default description of the test.</summary>
    public string? Body { get; set; }

    /// <summary>The sending computer, for the default body.</summary>
    public string ComputerName { get; set; } = Environment.MachineName;

    /// <summary>The sending user, for the default body.</summary>
    public string UserName { get; set; } = Environment.UserName;
}
