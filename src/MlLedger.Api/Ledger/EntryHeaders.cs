using System.Text.Json;
using JasperFx.Events;
using MlLedger.Integrity.Dsse;

namespace MlLedger.Api.Ledger;

/// <summary>
/// The signed record of an entry travels in the event's headers, next to the typed event data:
/// the DSSE envelope exactly as signed (base64 payload, so jsonb never re-serialises the signed bytes),
/// the signing key id and the entry hash (SHA-256 of the leaf bytes, which the next entry links to).
/// </summary>
internal static class EntryHeaders
{
    public const string Envelope = "dsse";
    public const string KeyId = "keyid";
    public const string Hash = "hash";

    public static string? Read(IEvent e, string name) =>
        e.Headers is { } headers && headers.TryGetValue(name, out var value)
            ? value switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            }
            : null;

    public static DsseEnvelope? ReadEnvelope(IEvent e) =>
        Read(e, Envelope) is { } json ? DsseEnvelope.Parse(json) : null;

    /// <summary>
    /// SQL for one header of the stored row's <paramref name="headers"/> (a jsonb column): its text when it is a JSON
    /// string, else NULL. PostgreSQL picks it out of the binary jsonb, so the rest of the headers never travel or get parsed.
    /// </summary>
    public static string Sql(string headers, string name) =>
        $"CASE WHEN jsonb_typeof({headers} -> '{name}') = 'string' THEN {headers} ->> '{name}' END";

    /// <summary>The envelope a stored row's <see cref="Envelope"/> header holds (<see cref="Sql"/>); null when there is none.</summary>
    /// <exception cref="FormatException">The envelope is there but cannot be read.</exception>
    public static DsseEnvelope? ParseEnvelope(string? envelopeJson) =>
        envelopeJson is null ? null : DsseEnvelope.Parse(envelopeJson);

    /// <summary>As <see cref="ParseEnvelope"/>, with null for an envelope that cannot be read (the verifier names it).</summary>
    public static DsseEnvelope? TryParseEnvelope(string? envelopeJson)
    {
        try
        {
            return ParseEnvelope(envelopeJson);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
