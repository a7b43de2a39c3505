namespace SmtpConfig;

/// <summary>A recipient the server refused, with its reply.</summary>
public sealed class SmtpRecipientRejection
{
    internal SmtpRecipientRejection(string address, int statusCode, string? enhancedStatusCode, string response)
    {
        Address = address;
        StatusCode = statusCode;
        EnhancedStatusCode = enhancedStatusCode;
        Response = response;
    }

    /// <summary>The refused address.</summary>
    public string Address { get; }

    /// <summary>The SMTP status code, e.g. 550.</summary>
    public int StatusCode { get; }

    /// <summary>The enhanced status code, e.g. 5.1.1.</summary>
    public string? EnhancedStatusCode { get; }

    /// <summary>The server's reply text.</summary>
    public string Response { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Address}: {StatusCode} {Response}";
}
