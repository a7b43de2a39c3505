using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SmtpConfig.Loading;

/// <summary>
/// The module's private load context: SmtpConfig.Engine, MailKit, MimeKit and BouncyCastle load here, so another
/// module's MailKit (loaded before or after ours) never meets ours.
/// </summary>
/// <remarks>
/// Nothing here runs on Import-Module: the module's initializer only subscribes to <c>AppDomain.AssemblyResolve</c>,
/// and the first time the default context fails to find SmtpConfig.Engine (the first cmdlet that needs the engine)
/// it loads this assembly and calls <see cref="ResolveEngine"/>. Import time is budgeted (docs/performance.md).
/// </remarks>
public sealed class EngineLoadContext : AssemblyLoadContext
{
    private const string EngineAssemblyName = "SmtpConfig.Engine";
    private static readonly object Gate = new();
    private static EngineLoadContext? s_instance;

    private readonly string _dependencyDirectory;

    // The trusted-platform list is a few hundred paths: read it on the first load through this context only.
    private readonly Lazy<HashSet<string>> _frameworkAssemblies = new(ReadTrustedPlatformAssemblyNames);

    private EngineLoadContext(string dependencyDirectory)
        : base("SmtpConfig", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>The context, once <see cref="ResolveEngine"/> has created it.</summary>
    public static EngineLoadContext? Instance => s_instance;

    /// <summary>
    /// Answers the default context's request for an assembly: the engine, loaded into this context (created on the
    /// first call, once per process), and null for any other name, which is not ours to give.
    /// </summary>
    /// <param name="dependencyDirectory">The module's Dependencies folder.</param>
    /// <param name="assemblyName">The name the default context could not resolve.</param>
    public static Assembly? ResolveEngine(string dependencyDirectory, AssemblyName assemblyName)
    {
        ArgumentNullException.ThrowIfNull(assemblyName);
        if (!string.Equals(assemblyName.Name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Without the file, the context's own lookup would fail over to the default context, whose failure asks the
        // module's resolver again: say what is wrong instead of recursing.
        string enginePath = Path.Combine(dependencyDirectory, EngineAssemblyName + ".dll");
        if (!File.Exists(enginePath))
        {
            throw new FileNotFoundException(
                $"The SmtpConfig module is incomplete: '{enginePath}' is missing. Reinstall the module (or run build.ps1 -Task Build).",
                enginePath);
        }

        EngineLoadContext context;
        lock (Gate)
        {
            // Not collectible: a re-import after Remove-Module reuses it, so the engine's types keep one identity.
            context = s_instance ??= new EngineLoadContext(dependencyDirectory);
        }

        return context.LoadFromAssemblyName(assemblyName);
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? name = assemblyName.Name;
        // Framework assemblies go back to the default context: one System.Memory, one System.Text.Json per process.
        if (name is null || _frameworkAssemblies.Value.Contains(name))
        {
            return null;
        }

        string path = Path.Combine(_dependencyDirectory, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static HashSet<string> ReadTrustedPlatformAssemblyNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        return names;
    }
}
