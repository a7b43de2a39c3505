using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// A scripted SMTP conversation, one file per dialogue. Lines: <c>S: text</c> (server sends),
/// <c>C: pattern</c> (client must send; <c>*</c> is a wildcard, the verb is case-insensitive),
/// <c>! directive</c>, <c># comment</c>, blank.
/// </summary>
public sealed class SmtpDialogue
{
    private SmtpDialogue(string name, IReadOnlyList<SmtpStep> steps)
    {
        Name = name;
        Steps = steps;
    }

    /// <summary>Name used in mismatch messages.</summary>
    public string Name { get; }

    /// <summary>The steps in order; consecutive <c>S:</c> lines form one step.</summary>
    public IReadOnlyList<SmtpStep> Steps { get; }

    /// <summary>Names of the <c>*.smtp</c> transcripts embedded in the test assembly.</summary>
    public static IReadOnlyList<string> ResourceNames { get; } = typeof(SmtpDialogue).Assembly
        .GetManifestResourceNames()
        .Where(n => n.EndsWith(".smtp", StringComparison.OrdinalIgnoreCase))
        .Select(n => n[(n.LastIndexOf(".Transcripts.", StringComparison.Ordinal) + ".Transcripts.".Length)..])
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Loads an embedded transcript, e.g. <c>FromResource("auth-535.smtp")</c>.</summary>
    public static SmtpDialogue FromResource(string fileName) => FromResource(typeof(SmtpDialogue).Assembly, fileName);

    /// <summary>Loads a transcript embedded in <paramref name="assembly"/> whose manifest name ends with <c>.fileName</c>.</summary>
    public static SmtpDialogue FromResource(Assembly assembly, string fileName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        string? resource = assembly.GetManifestResourceNames()
            .FirstOrDefault(n => n.Equals(fileName, StringComparison.Ordinal) || n.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new FileNotFoundException($"No embedded transcript '{fileName}' in {assembly.GetName().Name}.", fileName);
        using Stream stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), fileName);
    }

    /// <summary>Parses a script; throws <see cref="FormatException"/> naming the bad line.</summary>
    public static SmtpDialogue Parse(string text, string name = "inline")
    {
        ArgumentNullException.ThrowIfNull(text);
        var steps = new List<SmtpStep>();
        var pendingSend = new List<string>();
        int pendingLine = 0;

        void FlushSend()
        {
            if (pendingSend.Count > 0)
            {
                steps.Add(new SmtpStep(SmtpStepKind.Send, pendingLine, string.Join("\r\n", pendingSend)));
                pendingSend.Clear();
            }
        }

        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimEnd('\r');
            string trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (trimmed.StartsWith("S:", StringComparison.Ordinal))
            {
                if (pendingSend.Count == 0)
                {
                    pendingLine = lineNumber;
                }

                pendingSend.Add(Payload(trimmed));
                continue;
            }

            FlushSend();
            if (trimmed.StartsWith("C:", StringComparison.Ordinal))
            {
                steps.Add(new SmtpStep(SmtpStepKind.Expect, lineNumber, Payload(trimmed)));
            }
            else if (trimmed.StartsWith('!'))
            {
                steps.Add(ParseDirective(trimmed[1..].Trim(), lineNumber, name));
            }
            else
            {
                throw new FormatException($"{name} line {lineNumber}: expected 'S:', 'C:', '!' or '#', got '{line}'.");
            }
        }

        FlushSend();
        return new SmtpDialogue(name, steps);
    }

    private static string Payload(string line)
    {
        string rest = line[2..];
        return rest.StartsWith(' ') ? rest[1..] : rest;
    }

    private static SmtpStep ParseDirective(string directive, int lineNumber, string name)
    {
        int space = directive.IndexOf(' ', StringComparison.Ordinal);
        string verb = (space < 0 ? directive : directive[..space]).ToLowerInvariant();
        string argument = space < 0 ? string.Empty : directive[(space + 1)..].Trim();
        return verb switch
        {
            "disconnect" => new SmtpStep(SmtpStepKind.Disconnect, lineNumber, argument),
            "stall" => new SmtpStep(SmtpStepKind.Stall, lineNumber, argument, ParseDuration(argument, lineNumber, name)),
            "close-before-greeting" => new SmtpStep(SmtpStepKind.CloseBeforeGreeting, lineNumber, argument),
            "garbage" => argument.Length == 0 || argument.Equals("http", StringComparison.OrdinalIgnoreCase) || argument.Equals("binary", StringComparison.OrdinalIgnoreCase)
                ? new SmtpStep(SmtpStepKind.Garbage, lineNumber, argument)
                : throw new FormatException($"{name} line {lineNumber}: '! garbage' takes 'http' or 'binary', got '{argument}'."),
            "starttls" => new SmtpStep(SmtpStepKind.StartTls, lineNumber, argument),
            "data" => new SmtpStep(SmtpStepKind.Data, lineNumber, argument),
            "wait-close" => new SmtpStep(SmtpStepKind.WaitClose, lineNumber, argument),
            _ => throw new FormatException($"{name} line {lineNumber}: unknown directive '! {directive}'."),
        };
    }

    private static TimeSpan ParseDuration(string argument, int lineNumber, string name)
    {
        string a = argument.ToLowerInvariant();
        (string number, double scale) = a.EndsWith("ms", StringComparison.Ordinal) ? (a[..^2], 1.0)
            : a.EndsWith('s') ? (a[..^1], 1000.0)
            : (string.Empty, 0.0);
        if (scale == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0)
        {
            throw new FormatException($"{name} line {lineNumber}: '! stall' needs a duration like '60s' or '250ms', got '{argument}'.");
        }

        return TimeSpan.FromMilliseconds(value * scale);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Steps.Count} steps)";
}
