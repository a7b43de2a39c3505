using System;
using System.Collections.Generic;
using System.Globalization;

namespace SmtpConfig.DemoServer;

/// <summary>The parsed command line of the demo server.</summary>
internal sealed class DemoServerOptions
{
    /// <summary>The usage text printed on a command-line error.</summary>
    public const string Usage =
        "usage: SmtpConfig.DemoServer --certificate <pfx> --user <name> --password-file <path> --maildir <dir>" +
        " [--port <n>] [--mode starttls|ssl] [--ignore-stdin]";

    /// <summary>Gets the TCP port to listen on (0 picks a free port).</summary>
    public int Port { get; private init; }

    /// <summary>Gets the path of the password-less PKCS#12 file holding the server certificate and its key.</summary>
    public string CertificatePath { get; private init; } = string.Empty;

    /// <summary>Gets the only user name that may authenticate.</summary>
    public string User { get; private init; } = string.Empty;

    /// <summary>Gets the path of the file holding that user's password.</summary>
    public string PasswordFile { get; private init; } = string.Empty;

    /// <summary>Gets the directory where each accepted message is written as an .eml file.</summary>
    public string Maildir { get; private init; } = string.Empty;

    /// <summary>Gets how TLS is brought into a session.</summary>
    public TlsMode Mode { get; private init; } = TlsMode.StartTls;

    /// <summary>Gets a value indicating whether the end of standard input is ignored rather than a stop request.</summary>
    public bool IgnoreStdin { get; private init; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="error">Why the command line was refused, or <see langword="null"/> on success.</param>
    /// <returns>The options, or <see langword="null"/> when the command line is invalid.</returns>
    public static DemoServerOptions? TryParse(IReadOnlyList<string> args, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ignoreStdin = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--ignore-stdin")
            {
                ignoreStdin = true;
                continue;
            }

            if (name is not ("--port" or "--certificate" or "--user" or "--password-file" or "--maildir" or "--mode"))
            {
                error = $"unknown argument '{name}'";
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return null;
            }

            values[name] = args[++i];
        }

        foreach (var required in new[] { "--certificate", "--user", "--password-file", "--maildir" })
        {
            if (!values.TryGetValue(required, out var value) || value.Length == 0)
            {
                error = $"{required} is required";
                return null;
            }
        }

        var port = 0;
        if (values.TryGetValue("--port", out var portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            error = $"--port must be a number from 0 to 65535, not '{portText}'";
            return null;
        }

        var mode = TlsMode.StartTls;
        if (values.TryGetValue("--mode", out var modeText))
        {
            switch (modeText.ToLowerInvariant())
            {
                case "starttls":
                    mode = TlsMode.StartTls;
                    break;
                case "ssl":
                    mode = TlsMode.Ssl;
                    break;
                default:
                    error = $"--mode must be starttls or ssl, not '{modeText}'";
                    return null;
            }
        }

        error = null;
        return new DemoServerOptions
        {
            Port = port,
            CertificatePath = values["--certificate"],
            User = values["--user"],
            PasswordFile = values["--password-file"],
            Maildir = values["--maildir"],
            Mode = mode,
            IgnoreStdin = ignoreStdin,
        };
    }
}
