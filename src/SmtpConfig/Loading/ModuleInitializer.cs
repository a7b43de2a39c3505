using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SmtpConfig.Loading;

/// <summary>
/// Runs on Import-Module: puts the engine and its MailKit/MimeKit/BouncyCastle behind the module's own load context
/// on PowerShell 7 (SmtpConfig.Loader), or behind an AssemblyResolve handler on Windows PowerShell 5.1.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string DependencyFolder = "Dependencies";
    private const string LoaderAssemblyFile = "SmtpConfig.Loader.dll";
    private const string LoaderTypeName = "SmtpConfig.Loading.EngineLoadContext";

    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory;

    private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, DependencyFolder);

    private static bool IsDesktop =>
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void OnImport()
    {
        if (IsDesktop)
        {
            AppDomain.CurrentDomain.AssemblyResolve += ResolveForDesktop;
            return;
        }

        InvokeLoader("Install", DependencyDirectory);
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (IsDesktop)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveForDesktop;
            return;
        }

        InvokeLoader("Uninstall");
    }

    private static void InvokeLoader(string method, params object[] arguments)
    {
        Assembly loader = Assembly.LoadFrom(Path.Combine(ModuleDirectory, LoaderAssemblyFile));
        Type type = loader.GetType(LoaderTypeName, throwOnError: true)!;
        type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments);
    }

    private static Assembly? ResolveForDesktop(object? sender, ResolveEventArgs args)
    {
        // Windows PowerShell 5.1 has no load contexts: the best available is to serve our folder's files by name.
        string name = new AssemblyName(args.Name).Name ?? string.Empty;
        string path = Path.Combine(DependencyDirectory, name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }
}
