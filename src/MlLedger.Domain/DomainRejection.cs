using System.Diagnostics.CodeAnalysis;

namespace MlLedger.Domain;

/// <summary>
/// The one refusal type of the domain: a command that breaks a business rule. <see cref="Code"/> is a
/// stable, kebab-case, machine-readable reason (e.g. "self-approval"); the message is for people.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "A refusal is a business outcome named in the shared contract, not a fault.")]
public sealed class DomainRejection : Exception
{
    public DomainRejection(string code, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        Code = code;
    }

    public string Code { get; }
}
