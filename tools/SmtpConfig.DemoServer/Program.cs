using System;
using System.IO;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;

namespace SmtpConfig.DemoServer;

/// <summary>
/// A small local SMTP server for the SmtpConfig demo and tests: 127.0.0.1 only, TLS (STARTTLS or implicit),
/// AUTH PLAIN/LOGIN for one user after TLS only, messages written to a directory.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Runs the server until SIGINT, SIGTERM or the end of stdin.</summary>
    /// <param name="args">The command line; see <see cref="DemoServerOptions.Usage"/>.</param>
    /// <returns>0 after a clean stop, 1 when the server could not start, 2 on a command-line error.</returns>
    public static async Task<int> Main(string[] args)
    {
        var options = DemoServerOptions.TryParse(args, out var error);
        if (options is null)
        {
            ConsoleLog.Error($"error: {error}");
            ConsoleLog.Error(DemoServerOptions.Usage);
            return 2;
        }

        string password;
        try
        {
            password = File.ReadAllText(options.PasswordFile).TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ConsoleLog.Error($"error: cannot read the password file '{options.PasswordFile}': {ex.Message}");
            return 1;
        }

        X509Certificate2 certificate;
        try
        {
            if (!File.Exists(options.CertificatePath))
            {
                throw new FileNotFoundException("no such file");
            }

            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, password: null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            ConsoleLog.Error($"error: cannot load the certificate '{options.CertificatePath}' (a password-less PKCS#12 file): {ex.Message}");
            return 1;
        }

        using (certificate)
        {
            if (password.Length == 0)
            {
                ConsoleLog.Error($"error: the password file '{options.PasswordFile}' is empty");
                return 1;
            }

            if (!certificate.HasPrivateKey)
            {
                ConsoleLog.Error($"error: the certificate file '{options.CertificatePath}' holds no private key");
                return 1;
            }

            return await RunAsync(options, certificate, password);
        }
    }

    private static async Task<int> RunAsync(DemoServerOptions options, X509Certificate2 certificate, string password)
    {
        using var stop = new StopSignal(watchStdin: !options.IgnoreStdin);

        var listenerFactory = new EndpointListenerFactory();
        listenerFactory.EndpointStarted += (_, e) =>
        {
            var port = ((IPEndPoint)e.LocalEndPoint).Port;
            ConsoleLog.Out($"LISTENING 127.0.0.1:{port}");
        };

        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, options.Port))
                .IsSecure(options.Mode == TlsMode.Ssl)
                .Certificate(certificate)
                .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .AllowUnsecureAuthentication(false)
                .AuthenticationRequired())
            .Build();

        MaildirMessageStore store;
        try
        {
            store = new MaildirMessageStore(options.Maildir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ConsoleLog.Error($"error: cannot use the maildir '{options.Maildir}': {ex.Message}");
            return 1;
        }

        var services = new ServiceProvider();
        services.Add(listenerFactory);
        services.Add(new SingleUserAuthenticator(options.User, password));
        services.Add(store);

        var server = new global::SmtpServer.SmtpServer(serverOptions, services);
        server.SessionFaulted += (_, e) => ConsoleLog.Error($"session faulted: {e.Exception.GetBaseException().Message}");

        var run = server.StartAsync(stop.Token);
        await Task.WhenAny(run, Task.Delay(Timeout.Infinite, stop.Token));

        // After a stop request, open sessions get a short grace period: an idle client must not hold the exit.
        if (await Task.WhenAny(run, Task.Delay(StopGracePeriod)) != run)
        {
            ConsoleLog.Error("stopping with sessions still open");
            return 0;
        }

        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Sessions cancelled by the stop request.
        }
        catch (Exception ex)
        {
            ConsoleLog.Error($"error: cannot serve on 127.0.0.1:{options.Port}: {ex.Message}");
            return 1;
        }

        return 0;
    }
}
