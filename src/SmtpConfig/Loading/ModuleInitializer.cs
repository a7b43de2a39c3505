using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SmtpConfig.Loading;

/// <summary>
/// Runs on Import-Module and does no more than subscribe to <see cref="AppDomain.AssemblyResolve"/>: the engine and
/// its MailKit/MimeKit/BouncyCastle load on the first cmdlet that needs them. On PowerShell 7 that first request
/// loads SmtpConfig.Loader, whose load context holds them apart from any other module's copies; on Windows
/// PowerShell 5.1 the handler serves the Dependencies folder by name.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string DependencyFolder = "Dependencies";
    private const string LoaderAssemblyFile = "SmtpConfig.Loader.dll";
    private const string LoaderTypeName = "SmtpConfig.Loading.EngineLoadContext";
    private const string LoaderMethodName = "ResolveEngine";
    private const string EngineAssemblyName = "SmtpConfig.Engine";

    private static readonly object Gate = new();
    private static Func<string, AssemblyName, Assembly?>? s_resolveEngine;

    // A load started by this handler that fails raises the event again on the same thread: never answer that one.
    [ThreadStatic]
    private static bool t_resolving;

    // Computed once, on the first resolve request (OnImport touches no static field, so import does not pay for it).
    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory;

    private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, DependencyFolder);

    private static readonly bool IsDesktop =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        // Raised for every name any assembly in the process fails to resolve: answer only for what is ours, and never
        // throw for another module's name (that would break its load).
        if (t_resolving)
        {
            return null;
        }

        t_resolving = true;
        try
        {
            return IsDesktop ? ResolveForDesktop(args.Name) : ResolveForCore(args.Name);
        }
        finally
        {
            t_resolving = false;
        }
    }

    private static Assembly? ResolveForCore(string? displayName) =>
        // PowerShell 7: only the engine is asked for from the default context; MailKit and the rest are the engine's
        // references, resolved inside the load context. A broken install of ours may throw, with what to do.
        IsEngine(displayName) ? LoaderResolve()(DependencyDirectory, new AssemblyName(displayName!)) : null;

    private static Assembly? ResolveForDesktop(string? displayName)
    {
        // Windows PowerShell 5.1 has no load contexts: the best available is to serve our folder's files by name.
        try
        {
            string name = new AssemblyName(displayName!).Name ?? string.Empty;
            string path = Path.Combine(DependencyDirectory, name + ".dll");
            return name.Length > 0 && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException or System.Security.SecurityException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsEngine(string? displayName) =>
        displayName is not null
        && displayName.StartsWith(EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
        && (displayName.Length == EngineAssemblyName.Length || displayName[EngineAssemblyName.Length] == ',');

    private static Func<string, AssemblyName, Assembly?> LoaderResolve()
    {
        lock (Gate)
        {
            if (s_resolveEngine is null)
            {
                Assembly loader = Assembly.LoadFrom(Path.Combine(ModuleDirectory, LoaderAssemblyFile));
                MethodInfo method = loader.GetType(LoaderTypeName, throwOnError: true)!
                    .GetMethod(LoaderMethodName, BindingFlags.Public | BindingFlags.Static)!;
                s_resolveEngine = (Func<string, AssemblyName, Assembly?>)Delegate.CreateDelegate(
                    typeof(Func<string, AssemblyName, Assembly?>), method);
            }

            return s_resolveEngine;
        }
    }
}
