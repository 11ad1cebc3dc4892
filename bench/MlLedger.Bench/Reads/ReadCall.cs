using System.Diagnostics;
using System.Net;
using System.Text;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>One request of the reads mode: who may send it, what it is, and how to send it.</summary>
/// <param name="Roles">The roles that may send it (the roles its endpoint's policy admits).</param>
/// <param name="Capped">Whether it is one of the expensive reads the ledger caps in flight.</param>
internal sealed record ReadCall(string Name, string[] Roles, HttpMethod Method, string Path, object? Body = null, bool Capped = false)
{
    public static readonly string[] AnyRole = ["pipeline", "approver", "auditor", "admin"];
    public static readonly string[] Auditors = ["auditor", "admin"];

    public static ReadCall Get(string name, string[] roles, string path, bool capped = false) => new(name, roles, HttpMethod.Get, path, null, capped);

    /// <summary>Sends it and reads the whole answer as it arrives, without keeping it (only its first 64 KiB, to show a refusal).</summary>
    public async Task<Answer> SendAsync(HttpClient client, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(Body, System.Text.Json.JsonSerializerOptions.Web),
                Encoding.UTF8, "application/json");
        }

        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var head = new MemoryStream();
        var buffer = new byte[81920];
        long bytes = 0;
        for (int n; (n = await body.ReadAsync(buffer, ct)) > 0;)
        {
            if (head.Length < 65536)
            {
                head.Write(buffer, 0, (int)Math.Min(n, 65536 - head.Length));
            }

            bytes += n;
        }

        return new Answer(response.StatusCode, bytes, Stopwatch.GetElapsedTime(start), Encoding.UTF8.GetString(head.ToArray()));
    }
}

/// <summary>What one request was answered: its status, the size of its body, the time to its last byte, and the start of the body.</summary>
internal sealed record Answer(HttpStatusCode Status, long Bytes, TimeSpan Elapsed, string Head)
{
    public string Excerpt => Head.Length <= 400 ? Head : Head[..400] + "…";
}

/// <summary>One request measured alone: its worst timed run.</summary>
internal sealed record AloneRun(ReadCall Call, Answer Answer, ServerFigures Server)
{
    public string Line =>
        $"{Call.Name,-62} {(int)Answer.Status} {Mib(Answer.Bytes),11} {F(Server.Wall.TotalSeconds, "0.000"),8} s  CPU ledger {F(Server.ServerCpu.TotalSeconds, "0.00"),6} s, " +
        $"PostgreSQL {F(Server.PostgresCpu.TotalSeconds, "0.00"),6} s  peak RSS +{Mib(Server.RssGrowth)} (of {Mib(Server.RssPeak)})";

    public static string Mib(long bytes) => $"{F(bytes / 1048576.0, "0.0")} MiB";
}
