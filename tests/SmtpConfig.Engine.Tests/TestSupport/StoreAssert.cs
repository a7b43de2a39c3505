using System;
using Xunit;

namespace SmtpConfig.Tests.TestSupport;

public static class StoreAssert
{
    /// <summary>Runs a call that must fail with the error id, and checks the store file's bytes did not change.</summary>
    public static SmtpConfigException FailsWithoutWriting(TempStore temp, string errorId, Action call)
    {
        byte[]? before = temp.FileBytes();
        SmtpConfigException ex = Assert.Throws<SmtpConfigException>(call);
        Assert.Equal(errorId, ex.ErrorId);
        byte[]? after = temp.FileBytes();
        if (before is null)
        {
            Assert.Null(after);
        }
        else
        {
            Assert.NotNull(after);
            Assert.Equal(before, after);
        }

        return ex;
    }

    /// <summary>An exception message must be a sentence for the user, never a stack trace.</summary>
    public static void NoStackTrace(string message)
    {
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("--- End of", message, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", message, StringComparison.Ordinal);
    }
}
