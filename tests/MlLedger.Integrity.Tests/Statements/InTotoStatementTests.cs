using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Tests.Statements;

public sealed class InTotoStatementTests
{
    private const string Digest = "8098f624285f1bba5460ffb2580a31a2f9beb87a83c73130640a20495a4153dd";

    private static byte[] VectorPayload => Convert.FromBase64String(
        VectorFiles.DsseBundle.GetProperty("dsseEnvelope").GetProperty("payload").GetString()!);

    [Fact]
    public void Serialize_writes_compact_json_in_fixed_key_order()
    {
        var statement = new Statement(
            [new StatementSubject("models/churn/7", Digest)],
            "https://mlledger.dev/events/ModelVersionRegistered/v1",
            new JsonObject { ["b"] = 1, ["a"] = "x+y" });

        string json = Encoding.UTF8.GetString(InTotoStatement.Serialize(statement));

        Assert.Equal(
            """{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"models/churn/7","digest":{"sha256":"""
            + $"\"{Digest}\""
            + """}}],"predicateType":"https://mlledger.dev/events/ModelVersionRegistered/v1","predicate":{"b":1,"a":"x+y"}}""",
            json);
    }

    [Fact]
    public void Vector_payload_parses_and_reserializes_byte_for_byte()
    {
        var statement = InTotoStatement.Parse(VectorPayload);

        var subject = Assert.Single(statement.Subjects);
        Assert.Equal(new StatementSubject("models/fraud-detector/3", Digest), subject);
        Assert.Equal("https://mlledger.example/attestation/model-registered/v1", statement.PredicateType);
        Assert.Equal("ModelRegistered", statement.Predicate["eventType"]!.GetValue<string>());
        Assert.Equal(VectorPayload, InTotoStatement.Serialize(statement));
    }

    [Fact]
    public void Parsed_predicate_can_be_attached_elsewhere()
    {
        var statement = InTotoStatement.Parse(VectorPayload);

        Assert.Null(statement.Predicate.Parent);
        _ = new JsonObject { ["p"] = statement.Predicate };
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"n","digest":{"sha256":"D"}}],"predicateType":"p","predicate":{}}""", "_type is 'https://in-toto.io/Statement/v0.1'")]
    [InlineData("""{"subject":[{"name":"n","digest":{"sha256":"D"}}],"predicateType":"p","predicate":{}}""", "no \"_type\"")]
    [InlineData("""{"_type":"T","predicateType":"p","predicate":{}}""", "no \"subject\" array")]
    [InlineData("""{"_type":"T","subject":[],"predicateType":"p","predicate":{}}""", "\"subject\" array is empty")]
    [InlineData("""{"_type":"T","subject":["n"],"predicateType":"p","predicate":{}}""", "subject[0] must be a JSON object")]
    [InlineData("""{"_type":"T","subject":[{"digest":{"sha256":"D"}}],"predicateType":"p","predicate":{}}""", "subject[0] has no \"name\"")]
    [InlineData("""{"_type":"T","subject":[{"name":"n"}],"predicateType":"p","predicate":{}}""", "subject[0] has no \"digest\"")]
    [InlineData("""{"_type":"T","subject":[{"name":"n","digest":{"sha512":"D"}}],"predicateType":"p","predicate":{}}""", "subject[0].digest has no \"sha256\"")]
    [InlineData("""{"_type":"T","subject":[{"name":"n","digest":{"sha256":"ABCD"}}],"predicateType":"p","predicate":{}}""", "sha256 must be 64 lowercase hex")]
    [InlineData("""{"_type":"T","subject":[{"name":"n","digest":{"sha256":"D"}}],"predicate":{}}""", "no \"predicateType\"")]
    [InlineData("""{"_type":"T","subject":[{"name":"n","digest":{"sha256":"D"}}],"predicateType":"","predicate":{}}""", "predicateType is empty")]
    [InlineData("""{"_type":"T","subject":[{"name":"n","digest":{"sha256":"D"}}],"predicateType":"p","predicate":[]}""", "no \"predicate\" object")]
    [InlineData("""{"_type":"T","_type":"T","subject":[{"name":"n","digest":{"sha256":"D"}}],"predicateType":"p","predicate":{}}""", "not valid JSON")]
    public void Parse_rejects_malformed_statement(string template, string expectedMessage)
    {
        byte[] payload = Encoding.UTF8.GetBytes(template
            .Replace("\"T\"", $"\"{InTotoStatement.Type}\"", StringComparison.Ordinal)
            .Replace("\"D\"", $"\"{Digest}\"", StringComparison.Ordinal));

        var error = Assert.Throws<StatementFormatException>(() => InTotoStatement.Parse(payload));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejects_invalid_utf8() =>
        Assert.Throws<StatementFormatException>(() => InTotoStatement.Parse([.. VectorPayload[..20], 0xff, .. VectorPayload[20..]]));

    [Theory]
    [InlineData("8098F624285F1BBA5460FFB2580A31A2F9BEB87A83C73130640A20495A4153DD")]
    [InlineData("8098f624")]
    [InlineData("")]
    public void Serialize_refuses_a_digest_that_is_not_64_lowercase_hex(string sha256) =>
        Assert.Throws<ArgumentException>(() => InTotoStatement.Serialize(
            new Statement([new StatementSubject("n", sha256)], "p", [])));

    [Fact]
    public void Serialize_refuses_a_statement_without_subjects() =>
        Assert.Throws<ArgumentException>(() => InTotoStatement.Serialize(new Statement([], "p", [])));
}
