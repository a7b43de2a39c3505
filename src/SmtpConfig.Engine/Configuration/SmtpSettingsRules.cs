using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MimeKit;

namespace SmtpConfig;

/// <summary>
/// The rules of the settings form: defaults that fill each other in, checks that refuse bad input before anything is
/// written, and warnings for risky but legal choices.
/// </summary>
public static class SmtpSettingsRules
{
    /// <summary>The default bound of a validation or test, in seconds.</summary>
    public const int DefaultTimeoutSec = 10;

    /// <summary>The largest accepted timeout, in seconds.</summary>
    public const int MaxTimeoutSec = 600;

    /// <summary>The profile name used when none is given.</summary>
    public const string DefaultProfileName = "Default";

    private const int MaxNameLength = 128;
    private static readonly char[] WildcardCharacters = { '*', '?', '[', ']' };

    /// <summary>The usual port of an encryption mode: Ssl 465, StartTls 587, None 25.</summary>
    public static int DefaultPort(EncryptionMode encryption) => encryption switch
    {
        EncryptionMode.Ssl => 465,
        EncryptionMode.None => 25,
        _ => 587,
    };

    /// <summary>The encryption a port implies when only the port is given: 465 and 2465 are implicit TLS, anything else STARTTLS.</summary>
    public static EncryptionMode DefaultEncryption(int port) =>
        port is 465 or 2465 ? EncryptionMode.Ssl : EncryptionMode.StartTls;

    /// <summary>Fills in whichever of port and encryption is missing; neither gives 587 StartTls.</summary>
    public static (int Port, EncryptionMode Encryption) Complete(int? port, EncryptionMode? encryption)
    {
        if (port is int p && encryption is EncryptionMode e)
        {
            return (p, e);
        }

        if (encryption is EncryptionMode onlyEncryption)
        {
            return (DefaultPort(onlyEncryption), onlyEncryption);
        }

        if (port is int onlyPort)
        {
            return (onlyPort, DefaultEncryption(onlyPort));
        }

        return (587, EncryptionMode.StartTls);
    }

    /// <summary>Warnings for legal but likely wrong or unsafe combinations.</summary>
    public static IReadOnlyList<string> Warnings(string server, int port, EncryptionMode encryption, bool hasCredential)
    {
        var warnings = new List<string>();
        bool implicitTlsPort = port is 465 or 2465;
        if (encryption == EncryptionMode.Ssl && !implicitTlsPort)
        {
            warnings.Add($"Encryption Ssl (TLS from the first byte) on port {port}: servers usually expect it on 465 or 2465. If the server sends a plain banner on this port, use -Encryption StartTls.");
        }

        if (encryption == EncryptionMode.StartTls && implicitTlsPort)
        {
            warnings.Add($"Encryption StartTls on port {port}, which usually speaks TLS from the first byte. If the connection hangs at the banner, use -Encryption Ssl.");
        }

        if (encryption == EncryptionMode.None && hasCredential && !IsLoopback(server))
        {
            warnings.Add($"Credentials with -Encryption None: the password would cross the network to {server} in clear text. Use -Encryption StartTls or Ssl.");
        }

        return warnings;
    }

    /// <summary>Whether a server name is this machine (the only place plain-text credentials are harmless).</summary>
    public static bool IsLoopback(string server)
    {
        if (string.Equals(server, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(server.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Refuses a profile name that is empty, too long, or holds wildcard or control characters.</summary>
    public static string CheckProfileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name!.Length > MaxNameLength || name.IndexOfAny(WildcardCharacters) >= 0 ||
            name.Any(char.IsControl) || name.Trim() != name)
        {
            throw new SmtpConfigException(
                ErrorIds.InvalidProfileName,
                FailureKind.InvalidArgument,
                $"The profile name '{Printable(name)}' is not valid.",
                $"Use 1 to {MaxNameLength} characters without wildcards (* ? [ ]), control characters or surrounding spaces.",
                name);
        }

        return name;
    }

    /// <summary>Refuses a server that is not a host name or an IP address.</summary>
    public static string CheckServer(string? server)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new SmtpConfigException(ErrorIds.InvalidServer, FailureKind.InvalidArgument, "The server is empty.", "Give the SMTP server's host name or IP address, e.g. -Server smtp.example.com.", server);
        }

        CheckNoControlCharacters(server!, "Server");
        string bare = server!.Trim('[', ']');
        if (server.Any(char.IsWhiteSpace) || Uri.CheckHostName(bare) == UriHostNameType.Unknown)
        {
            throw new SmtpConfigException(ErrorIds.InvalidServer, FailureKind.InvalidArgument, $"'{server}' is not a host name or IP address.", "Give only the host name or IP address (no scheme, port or path), e.g. -Server smtp.example.com -Port 587.", server);
        }

        return server;
    }

    /// <summary>Refuses a port outside 1-65535.</summary>
    public static int CheckPort(int port)
    {
        if (port < 1 || port > 65535)
        {
            throw new SmtpConfigException(ErrorIds.InvalidPort, FailureKind.InvalidArgument, $"Port {port} is outside 1-65535.", "Usual ports: 587 (StartTls), 465 (Ssl), 25 (relay); some providers use 2525, 2465, 2587.", port);
        }

        return port;
    }

    /// <summary>Refuses a timeout outside 1-600 seconds.</summary>
    public static int CheckTimeout(int timeoutSec)
    {
        if (timeoutSec < 1 || timeoutSec > MaxTimeoutSec)
        {
            throw new SmtpConfigException(ErrorIds.InvalidTimeout, FailureKind.InvalidArgument, $"TimeoutSec {timeoutSec} is outside 1-{MaxTimeoutSec}.", "Give a timeout in seconds, e.g. -TimeoutSec 10.", timeoutSec);
        }

        return timeoutSec;
    }

    /// <summary>Refuses anything but exactly one mailbox that MimeKit parses strictly; returns it in canonical form.</summary>
    public static string CheckMailbox(string? address, string errorId, string what)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new SmtpConfigException(errorId, FailureKind.InvalidArgument, $"The {what} address is empty.", $"Give one mailbox, e.g. alerts@example.com.", address);
        }

        if (address!.Any(char.IsControl))
        {
            throw new SmtpConfigException(ErrorIds.ControlCharacterInValue, FailureKind.InvalidArgument, $"The {what} address holds CR, LF or another control character.", "Remove line breaks and control characters: they would let one value inject mail headers.", Printable(address));
        }

        var options = ParserOptions.Default.Clone();
        options.AddressParserComplianceMode = RfcComplianceMode.Strict;
        options.AllowAddressesWithoutDomain = false;
        if (!InternetAddressList.TryParse(options, address, out InternetAddressList? list) || list.Count != 1 ||
            list[0] is not MailboxAddress mailbox || string.IsNullOrEmpty(mailbox.Domain) || string.IsNullOrEmpty(mailbox.LocalPart) ||
            !MailboxAddress.TryParse(address, out _))
        {
            throw new SmtpConfigException(errorId, FailureKind.InvalidArgument, $"'{address}' is not exactly one valid {what} mailbox.", "Give one address such as alerts@example.com or \"Alerts <alerts@example.com>\".", address);
        }

        return address!.Trim();
    }

    /// <summary>The bare address of a mailbox such as "Alerts &lt;alerts@example.com&gt;" (the XOAUTH2 user, the envelope).</summary>
    public static string AddressOf(string mailbox) => MailboxAddress.Parse(mailbox).Address;

    /// <summary>Refuses CR, LF and other control characters in a value.</summary>
    public static void CheckNoControlCharacters(string? value, string field)
    {
        if (value is not null && value.Any(char.IsControl))
        {
            throw new SmtpConfigException(ErrorIds.ControlCharacterInValue, FailureKind.InvalidArgument, $"{field} holds CR, LF or another control character.", $"Remove line breaks and control characters from {field}.", field);
        }
    }

    /// <summary>Refuses a certificate thumbprint that is not 40 or 64 hex digits; returns it upper-case without spaces.</summary>
    public static string CheckThumbprint(string thumbprint)
    {
        string compact = new string(thumbprint.Where(c => c != ' ' && c != ':').ToArray()).ToUpperInvariant();
        if ((compact.Length != 40 && compact.Length != 64) || !compact.All(Uri.IsHexDigit))
        {
            throw new SmtpConfigException(ErrorIds.InvalidCertificateThumbprint, FailureKind.InvalidArgument, $"'{Printable(thumbprint)}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.", "Copy the Thumbprint from Test-SmtpConnection's Certificate property.", thumbprint);
        }

        return compact;
    }

    private static string Printable(string? value) =>
        value is null ? string.Empty : new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
