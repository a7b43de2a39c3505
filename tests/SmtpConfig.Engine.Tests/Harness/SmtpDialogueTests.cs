using System;
using System.Linq;
using SmtpConfig.Tests.Fakes;
using Xunit;

namespace SmtpConfig.Tests.Harness;

public sealed class SmtpDialogueTests
{
    [Fact]
    public void Parse_MergesServerLines_KeepsLineNumbers_ReadsDirectives()
    {
        var dialogue = SmtpDialogue.Parse("# c\nS: 220 a\r\nC: EHLO *\nS: 250-a\nS: 250 AUTH PLAIN\n\n! stall 250ms\n! stall 2s\n! garbage binary\n! data\n! disconnect\n");

        Assert.Equal(
            new[] { SmtpStepKind.Send, SmtpStepKind.Expect, SmtpStepKind.Send, SmtpStepKind.Stall, SmtpStepKind.Stall, SmtpStepKind.Garbage, SmtpStepKind.Data, SmtpStepKind.Disconnect },
            dialogue.Steps.Select(s => s.Kind));
        Assert.Equal(new[] { 2, 3, 4, 7, 8, 9, 10, 11 }, dialogue.Steps.Select(s => s.LineNumber));
        Assert.Equal("250-a\r\n250 AUTH PLAIN", dialogue.Steps[2].Text);
        Assert.Equal(TimeSpan.FromMilliseconds(250), dialogue.Steps[3].Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), dialogue.Steps[4].Duration);
    }

    [Theory]
    [InlineData("EHLO *", "EHLO [127.0.0.1]", true)]
    [InlineData("EHLO *", "ehlo host", true)]
    [InlineData("ehlo *", "EHLO host", true)]
    [InlineData("EHLO *", "HELO host", false)]
    [InlineData("AUTH PLAIN *", "AUTH PLAIN AHVzZXIAcHc=", true)]
    [InlineData("AUTH PLAIN *", "AUTH plain AHVzZXIAcHc=", false)]
    [InlineData("AUTH PLAIN *", "AUTH LOGIN", false)]
    [InlineData("MAIL FROM:<*>", "MAIL FROM:<a@b.c> SIZE=12", false)]
    [InlineData("MAIL FROM:<*>*", "MAIL FROM:<a@b.c> SIZE=12", true)]
    [InlineData("QUIT", "QUIT", true)]
    [InlineData("QUIT", "QUIT now", false)]
    [InlineData("RSET", "RSET.", false)]
    public void Expect_IsGlobOverWholeLine_VerbCaseInsensitive(string pattern, string line, bool expected)
    {
        SmtpStep step = SmtpDialogue.Parse("C: " + pattern).Steps.Single();
        Assert.Equal(expected, step.Matches(line));
    }

    [Theory]
    [InlineData("S: ok\nX: what", 2)]
    [InlineData("S: ok\n\n! explode", 3)]
    [InlineData("! stall forever", 1)]
    [InlineData("! garbage lots", 1)]
    public void Parse_RejectsBadLines_WithLineNumber(string text, int line)
    {
        var error = Assert.Throws<FormatException>(() => SmtpDialogue.Parse(text, "bad"));
        Assert.StartsWith($"bad line {line}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEmbeddedTranscript_Parses()
    {
        Assert.Contains("ok-starttls-auth.smtp", SmtpDialogue.ResourceNames);
        Assert.Contains("silent.smtp", SmtpDialogue.ResourceNames);
        foreach (string name in SmtpDialogue.ResourceNames)
        {
            SmtpDialogue dialogue = SmtpDialogue.FromResource(name);
            Assert.NotEmpty(dialogue.Steps);
            Assert.Equal(name, dialogue.Name);
        }

        Assert.Throws<System.IO.FileNotFoundException>(() => SmtpDialogue.FromResource("no-such.smtp"));
    }
}
