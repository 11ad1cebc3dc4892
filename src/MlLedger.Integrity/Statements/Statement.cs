using System.Text.Json.Nodes;

namespace MlLedger.Integrity.Statements;

/// <summary>The entity an entry is about: a name and the SHA-256 (64 lowercase hex) of its bytes.</summary>
public sealed record StatementSubject(string Name, string Sha256);

/// <summary>An in-toto Statement v1.</summary>
public sealed record Statement(IReadOnlyList<StatementSubject> Subjects, string PredicateType, JsonObject Predicate);
