using System.Text.Json.Nodes;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>The clients and accounts of the test provider, as its configuration file (read by provider.mjs) lists them.</summary>
internal static class ProviderClients
{
    public static JsonArray Clients(Uri? console)
    {
        var clients = new JsonArray();
        foreach (var (id, secret, roles) in OidcProvider.Pipelines)
        {
            clients.Add(new JsonObject
            {
                ["client_id"] = id, ["client_secret"] = secret, ["grant_types"] = new JsonArray("client_credentials"),
                ["redirect_uris"] = new JsonArray(), ["response_types"] = new JsonArray(), ["roles"] = Strings(roles),
                ["accessTokenTtlSeconds"] = id == "ci-short" ? 20 : null,
            });
        }

        foreach (var id in new[] { OidcProvider.DeviceClient, OidcProvider.ShortDeviceClient })
        {
            clients.Add(new JsonObject
            {
                ["client_id"] = id, ["token_endpoint_auth_method"] = "none",
                ["grant_types"] = new JsonArray("urn:ietf:params:oauth:grant-type:device_code", "refresh_token"),
                ["redirect_uris"] = new JsonArray(), ["response_types"] = new JsonArray(),
                ["accessTokenTtlSeconds"] = id == OidcProvider.ShortDeviceClient ? 20 : null,
            });
        }

        if (console is not null)
        {
            clients.Add(new JsonObject
            {
                ["client_id"] = ConsoleClient.Id, ["client_secret"] = ConsoleClient.Secret,
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("authorization_code", "refresh_token"), ["response_types"] = new JsonArray("code"),
                ["redirect_uris"] = new JsonArray(ConsoleClient.RedirectUri(console)),
                ["post_logout_redirect_uris"] = new JsonArray(ConsoleClient.PostLogoutRedirectUri(console)),
                ["requirePkce"] = true, ["noDefaultResource"] = true,
            });
        }

        return clients;
    }

    public static JsonObject Accounts() =>
        new(OidcProvider.Accounts.Select(account => KeyValuePair.Create(account.Key, (JsonNode?)Strings(account.Value))));

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)value).ToArray());
}
