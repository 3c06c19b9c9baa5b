using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Thestage.Cli.Tests.Serving;

/// <summary>
/// <c>thestage serve --json</c> on a free loopback port, as a process: started, its result (the address) read from standard
/// output, and stopped by SIGTERM (as a service manager stops it; Ctrl+C alike) or, failing that within 20 s, killed.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _error;
    private int? _exitCode;

    private ServeProcess(Process process, JsonElement result)
    {
        _process = process;
        Result = result;
        Address = result.GetProperty("address").GetString()!;
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The server's address (<c>http://127.0.0.1:PORT/</c>).</summary>
    public string Address { get; }

    /// <summary>serve's JSON result.</summary>
    public JsonElement Result { get; }

    /// <summary>Starts serving <paramref name="package"/> with the API keys of <paramref name="apiKeyFile"/> (created when missing) and further <paramref name="options"/>.</summary>
    public static ServeProcess Start(string package, string apiKeyFile, params string[] options)
    {
        Process process = ThestageProcess.Start(new Dictionary<string, string>(), ["serve", "--model", package, "--port", "0", "--api-key-file", apiKeyFile, "--json", .. options]);
        try
        {
            // The result is one indented JSON object, printed once the server listens: read up to its closing brace.
            var json = new StringBuilder();
            Task<string?> line;
            while ((line = process.StandardOutput.ReadLineAsync()).Wait(TimeSpan.FromMinutes(2)) && line.Result is string text)
            {
                json.AppendLine(text);
                if (text == "}")
                {
                    using JsonDocument document = JsonDocument.Parse(json.ToString());
                    return new ServeProcess(process, document.RootElement.Clone());
                }
            }

            Assert.Fail($"thestage serve printed no result: {json}{process.StandardError.ReadToEnd()}");
            return null!;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server with SIGTERM and returns its exit code and standard error.</summary>
    public (int ExitCode, string Error) Stop()
    {
        if (_exitCode is null)
        {
            if (!OperatingSystem.IsWindows())
            {
                using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }

            if (OperatingSystem.IsWindows() || !_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _exitCode = _process.ExitCode;
        }

        return (_exitCode.Value, _error.Result);
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
