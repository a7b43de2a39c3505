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
public sealed class EngineLoadContext : AssemblyLoadContext
{
    private const string EngineAssemblyName = "SmtpConfig.Engine";
    private static readonly object Gate = new();
    private static EngineLoadContext? s_instance;
    private static bool s_hooked;

    private readonly string _dependencyDirectory;

    // Read on the first load through this context (the first cmdlet that needs the engine), not on Import-Module:
    // the trusted-platform list is a few hundred paths, and import time is budgeted (docs/performance.md).
    private readonly Lazy<HashSet<string>> _frameworkAssemblies = new(ReadTrustedPlatformAssemblyNames);

    private EngineLoadContext(string dependencyDirectory)
        : base("SmtpConfig", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>The context, once <see cref="Install"/> has run.</summary>
    public static EngineLoadContext? Instance => s_instance;

    /// <summary>
    /// Creates the context (once per process) and answers the default context's requests for the engine assembly.
    /// Called by the module's initializer on import; safe to call again after Remove-Module.
    /// </summary>
    public static void Install(string dependencyDirectory)
    {
        lock (Gate)
        {
            // The context is not collectible: a re-import reuses it so the engine's types keep one identity.
            s_instance ??= new EngineLoadContext(dependencyDirectory);
            if (!s_hooked)
            {
                Default.Resolving += ResolveEngine;
                s_hooked = true;
            }
        }
    }

    /// <summary>Stops answering the default context; called on Remove-Module.</summary>
    public static void Uninstall()
    {
        lock (Gate)
        {
            if (s_hooked)
            {
                Default.Resolving -= ResolveEngine;
                s_hooked = false;
            }
        }
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

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName assemblyName)
    {
        // Answer only for our engine: everything else the default context asks for is not ours to give.
        if (!string.Equals(assemblyName.Name, EngineAssemblyName, StringComparison.Ordinal))
        {
            return null;
        }

        return s_instance?.LoadFromAssemblyName(assemblyName);
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
