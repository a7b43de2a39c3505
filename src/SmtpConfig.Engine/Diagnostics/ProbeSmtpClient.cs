using System.Threading;
using MailKit;
using MailKit.Net.Smtp;

namespace SmtpConfig.Diagnostics;

/// <summary>MailKit's client with its protected SendCommand opened up, for MAIL FROM / RCPT TO / RSET probes that send nothing.</summary>
internal sealed class ProbeSmtpClient : SmtpClient
{
    public ProbeSmtpClient(IProtocolLogger logger)
        : base(logger)
    {
    }

    public SmtpResponse Command(string command, CancellationToken cancellationToken) => SendCommand(command, cancellationToken);
}
