using Xunit;

namespace SmtpConfig.Tests.Mail;

/// <summary>The queue id in the reply to the end of DATA, for the common servers' wordings.</summary>
public sealed class QueueIdParserTests
{
    [Theory]
    [InlineData("250 2.0.0 Ok: queued as 4XyZ", "4XyZ")] // Postfix
    [InlineData("250 2.0.0 Ok: queued as 4Tq1Xz2KLmz9vPw", "4Tq1Xz2KLmz9vPw")] // Postfix long ids
    [InlineData("250 OK id=1rAbCd-0001Xy-3Z", "1rAbCd-0001Xy-3Z")] // Exim
    [InlineData("250 2.0.0 <smtpconfig.ABCD2345.1700000000@example.com> [InternalId=123456789, Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com] Queued mail for delivery", "smtpconfig.ABCD2345.1700000000@example.com")] // Microsoft 365
    public void Parse_FindsTheId(string reply, string expected) => Assert.Equal(expected, QueueIdParser.Parse(reply));

    [Theory]
    [InlineData("250 2.0.0 Ok")]
    [InlineData("250 Message accepted for delivery")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_NoId_IsNull(string? reply) => Assert.Null(QueueIdParser.Parse(reply));
}
