using System;
using System.Management.Automation;
using System.Threading;
using SmtpConfig.Errors;

namespace SmtpConfig.Commands;

/// <summary>Base of the module's cmdlets: Ctrl+C cancellation, the store, and engine failures as ErrorRecords.</summary>
public abstract class SmtpCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private SmtpConfigurationStore? _store;

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    /// <summary>The current user's store (or SMTPCONFIG_HOME's), opened once per command.</summary>
    protected SmtpConfigurationStore Store => _store ??= SmtpConfigurationStore.OpenDefault();

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override void BeginProcessing() => Loading.FormatDataLoader.EnsureLoaded(this);

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Reports an engine failure for this input and goes on with the next.</summary>
    protected void WriteFailure(SmtpConfigException exception) => WriteError(ErrorRecordFactory.FromEngine(exception));

    /// <summary>Reports an engine failure and stops the command.</summary>
    protected void ThrowFailure(SmtpConfigException exception) => ThrowTerminatingError(ErrorRecordFactory.FromEngine(exception));

    /// <summary>Whether the caller gave this parameter (partial updates).</summary>
    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);
}
