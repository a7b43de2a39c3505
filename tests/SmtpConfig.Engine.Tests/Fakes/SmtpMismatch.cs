namespace SmtpConfig.Tests.Fakes;

/// <summary>
/// The client did something the script did not expect (or stopped before the script did).
/// </summary>
public sealed class SmtpMismatch
{
    /// <summary>Creates a mismatch record.</summary>
    public SmtpMismatch(string dialogue, int connection, int lineNumber, string expected, string actual)
    {
        Dialogue = dialogue;
        Connection = connection;
        LineNumber = lineNumber;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Name of the dialogue (the file name for embedded transcripts).</summary>
    public string Dialogue { get; }

    /// <summary>1-based connection number (always 1 for <see cref="ScriptedSmtpStream"/>).</summary>
    public int Connection { get; }

    /// <summary>Script line that was expected (0 when no line applies, e.g. an extra connection).</summary>
    public int LineNumber { get; }

    /// <summary>What the script expected, e.g. <c>C: AUTH PLAIN *</c>.</summary>
    public string Expected { get; }

    /// <summary>What happened: the client's line in single quotes, or a description in angle brackets.</summary>
    public string Actual { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Dialogue} line {LineNumber} (connection {Connection}): expected {Expected} but got {Actual}";
}
