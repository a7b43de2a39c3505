using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpConfig.Diagnostics;

namespace SmtpConfig.Commands;

/// <summary>
/// Runs several connection tests at once (up to a throttle) and hands each result to the pipeline thread as it
/// completes: workers only post, everything reaches PowerShell from the cmdlet's own thread.
/// </summary>
internal static class ProbeBatch
{
    public static void Run(PSCmdlet cmdlet, IReadOnlyList<SmtpProbeRequest> requests, int throttleLimit, string activity, Action<SmtpConnectionTestResult> onResult, CancellationToken cancel)
    {
        if (requests.Count == 1)
        {
            // One test: run it right here, no worker and no hand-off, with progress per stage.
            SmtpProbeRequest request = requests[0];
            string single = $"Testing {request.Server}:{request.Port} {request.Encryption}";
            onResult(ConnectionProbe.Run(request, cancel, stage => cmdlet.WriteProgress(new ProgressRecord(1, single, $"Stage {stage}"))));
            cmdlet.WriteProgress(new ProgressRecord(1, single, "Done") { RecordType = ProgressRecordType.Completed });
            return;
        }

        using var outbox = new BlockingCollection<Action>();
        using var throttle = new SemaphoreSlim(throttleLimit);
        int done = 0;
        // Dedicated threads: probes block on sockets, and the thread pool must not be what limits a fleet test.
        Task[] workers = requests.Select(request => Task.Factory.StartNew(
            () =>
            {
                throttle.Wait(cancel);
                try
                {
                    SmtpConnectionTestResult result = ConnectionProbe.Run(request, cancel);
                    outbox.Add(() =>
                    {
                        onResult(result);
                        done++;
                        cmdlet.WriteProgress(new ProgressRecord(1, activity, $"{done} of {requests.Count} done") { PercentComplete = done * 100 / requests.Count });
                    });
                }
                finally
                {
                    throttle.Release();
                }
            },
            cancel,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        Task all = Task.WhenAll(workers).ContinueWith(_ => outbox.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (Action action in outbox.GetConsumingEnumerable(cancel))
            {
                action();
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: PowerShell stops the pipeline; the workers see the same token and stop at once.
        }

        all.Wait(TimeSpan.FromSeconds(2));
        cmdlet.WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
