using System;

namespace SmtpConfig.Diagnostics;

/// <summary>Ends the run after a failure was already recorded with its own message and hint.</summary>
internal sealed class ProbeStoppedException : Exception
{
    public ProbeStoppedException()
        : base("The probe stopped after recording a failure.")
    {
    }
}
