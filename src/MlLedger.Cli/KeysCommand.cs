using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MlLedger.Api.Keys;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger keys rotate</c> (role admin): asks the ledger to replace its signing key. The ledger records the
/// rotation as an entry signed by the retiring key and keeps the old public key in its ring and trusted root.
/// Exit 0 rotated, 2 usage, connection, auth or any refusal.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var rotate = new Command("rotate", "Replace the ledger's signing key with a fresh P-256 key (role admin)") { server, token };
        rotate.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (await Login.BearerTokens.ForCommandAsync(parse.GetValue(token), error, ct) is not { } bearer)
            {
                error.WriteLine($"mlledger keys rotate: {Login.BearerTokens.Required} (role admin)");
                return ExitCodes.UsageOrConnection;
            }

            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(server)!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            try
            {
                using var response = await http.PostAsync("/v1/keys/rotation", content: null, ct);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"mlledger keys rotate: the ledger answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    return ExitCodes.UsageOrConnection;
                }

                var rotated = await response.Content.ReadFromJsonAsync<KeyRotationView>(OutputFormats.JsonOptions, ct)
                    ?? throw new HttpRequestException("empty answer");
                output.WriteLine($"rotated: {rotated.PreviousKeyId} retired, {rotated.KeyId} signs from {rotated.ValidFrom.ToString("O", CultureInfo.InvariantCulture)}");
                output.WriteLine($"recorded as entry {rotated.Entries[0].Seq} (LedgerKeyRotated, signed by the retired key)");
                output.WriteLine("auditors: fetch the trusted root again (GET /v1/log/trusted-root); it lists both keys");
                return ExitCodes.Ok;
            }
            catch (HttpRequestException e)
            {
                error.WriteLine($"mlledger keys rotate: could not reach the ledger: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }
        });
        return new Command("keys", "The ledger's signing keys") { rotate };
    }
}
