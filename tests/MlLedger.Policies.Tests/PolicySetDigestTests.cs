using System.Security.Cryptography;
using System.Text;
using MlLedger.Domain.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Testing;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests;

public sealed class PolicySetDigestTests : IDisposable
{
    private const string Rules = "  - id: r\n    kind: artifact\n";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mlledger-policies-" + Guid.NewGuid().ToString("N"));

    public PolicySetDigestTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (string Name, byte[] Bytes)[] Files(string policy) =>
    [
        (Sets.EnvironmentsFile, Encoding.UTF8.GetBytes(Sets.Environments)),
        ("p.yaml", Encoding.UTF8.GetBytes(policy)),
    ];

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Given_the_same_files_twice_When_loaded_Then_the_digest_is_the_same_lower_hex_sha256()
    {
        var first = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var second = PolicySet.FromFiles(Files(Sets.Policy(Rules)));

        Assert.Equal(first.Digest, second.Digest);
        Assert.Matches("^[0-9a-f]{64}$", first.Digest);
    }

    [Fact]
    public void Given_the_digest_When_recomputed_independently_Then_it_is_the_sha256_of_a_sha256sum_style_manifest()
    {
        // the digest is SHA-256 over one "<sha256 of the file>  <name>\n" line per file, sorted by name,
        // i.e. over what `sha256sum environments.yaml p.yaml` prints in a checkout with LF line ends
        var policy = Sets.Policy(Rules);
        var manifest = $"{Sha256Hex(Sets.Environments)}  environments.yaml\n{Sha256Hex(policy)}  p.yaml\n";

        var set = PolicySet.FromFiles(Enumerable.Reverse(Files(policy)));

        Assert.Equal(Sha256Hex(manifest), set.Digest);
        Assert.Equal([Sha256Hex(Sets.Environments), Sha256Hex(policy)], set.Files.Select(f => f.Sha256));
        Assert.Equal(set.Digest, PolicySet.DigestOf(set.Files.Reverse()));
    }

    [Fact]
    public void Given_crlf_line_ends_and_a_byte_order_mark_When_loaded_Then_the_digest_and_content_are_those_of_lf_utf8()
    {
        var lf = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var crlf = Sets.Policy(Rules).Replace("\n", "\r\n", StringComparison.Ordinal);
        var bom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(crlf)).ToArray();

        var windows = PolicySet.FromFiles([(Sets.EnvironmentsFile, Encoding.UTF8.GetBytes(Sets.Environments)), ("p.yaml", bom)]);

        Assert.Equal(lf.Digest, windows.Digest);
        var content = windows.Files.Single(f => f.Name == "p.yaml").Content;
        Assert.Equal(Sets.Policy(Rules), content);
    }

    [Theory]
    [InlineData("version: \"1\"", "version: \"2\"")]
    [InlineData("kind: artifact", "kind: artifact ")]
    [InlineData("rules:\n", "rules: \n")]
    public void Given_one_byte_changed_When_loaded_Then_the_digest_changes(string from, string to)
    {
        var before = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var changed = Sets.Policy(Rules).Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Sets.Policy(Rules), changed);

        var after = PolicySet.FromFiles(Files(changed));

        Assert.NotEqual(before.Digest, after.Digest);
    }

    [Fact]
    public void Given_a_comment_added_When_loaded_Then_the_digest_changes_because_the_text_is_what_is_signed()
    {
        var before = PolicySet.FromFiles(Files(Sets.Policy(Rules)));

        var after = PolicySet.FromFiles(Files("# reviewed\n" + Sets.Policy(Rules)));

        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Equal(before.Policies.Single().Id, after.Policies.Single().Id);
    }

    [Fact]
    public void Given_a_file_renamed_When_loaded_Then_the_digest_changes()
    {
        var before = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var renamed = Files(Sets.Policy(Rules));
        renamed[1] = ("production.yaml", renamed[1].Bytes);

        var after = PolicySet.FromFiles(renamed);

        Assert.NotEqual(before.Digest, after.Digest);
    }

    [Fact]
    public void Given_the_files_in_another_order_When_loaded_Then_the_digest_and_file_order_are_the_same()
    {
        var files = new (string, byte[])[]
        {
            ("b.yaml", Encoding.UTF8.GetBytes(Sets.Policy(Rules, id: "b"))),
            (Sets.EnvironmentsFile, Encoding.UTF8.GetBytes(Sets.Environments)),
            ("a.yaml", Encoding.UTF8.GetBytes(Sets.Policy(Rules, id: "a"))),
        };

        var one = PolicySet.FromFiles(files);
        var other = PolicySet.FromFiles(Enumerable.Reverse(files));

        Assert.Equal(one.Digest, other.Digest);
        Assert.Equal(["a.yaml", "b.yaml", "environments.yaml"], one.Files.Select(f => f.Name));
        Assert.Equal(["a", "b"], one.Policies.Select(p => p.Id));
    }

    [Fact]
    public void Given_a_directory_with_example_case_files_When_loaded_Then_they_are_not_part_of_the_set()
    {
        File.WriteAllText(Path.Combine(_directory, "environments.yaml"), Sets.Environments);
        File.WriteAllText(Path.Combine(_directory, "p.yaml"), Sets.Policy(Rules));
        var without = PolicySet.Load(_directory);
        File.WriteAllText(Path.Combine(_directory, "p.test.yaml"), "cases: []\n");
        File.WriteAllText(Path.Combine(_directory, "q.test.yml"), "cases: []\n");
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not yaml at all: [");

        var with = PolicySet.Load(_directory);

        Assert.Equal(without.Digest, with.Digest);
        Assert.Equal(["environments.yaml", "p.yaml"], with.Files.Select(f => f.Name));
        Assert.Equal(PolicySet.FromFiles(Files(Sets.Policy(Rules))).Digest, with.Digest);
    }

    [Fact]
    public void Given_a_yml_file_When_a_directory_is_loaded_Then_it_is_part_of_the_set()
    {
        File.WriteAllText(Path.Combine(_directory, "environments.yaml"), Sets.Environments);
        File.WriteAllText(Path.Combine(_directory, "p.yml"), Sets.Policy(Rules));

        var set = PolicySet.Load(_directory);

        Assert.Equal(["environments.yaml", "p.yml"], set.Files.Select(f => f.Name));
    }

    [Theory]
    [InlineData("p.YAML")]
    [InlineData("p.Yaml")]
    [InlineData("p.YML")]
    public void Given_a_policy_file_with_an_upper_case_extension_When_a_directory_is_loaded_Then_it_is_part_of_the_set(string name)
    {
        File.WriteAllText(Path.Combine(_directory, "environments.yaml"), Sets.Environments);
        File.WriteAllText(Path.Combine(_directory, name), Sets.Policy(Rules));

        var set = PolicySet.Load(_directory);

        Assert.Equal(["environments.yaml", name], set.Files.Select(f => f.Name));
        Assert.Equal(["p"], set.Policies.Select(p => p.Id));
        Assert.Equal([Path.Combine(_directory, "environments.yaml"), Path.Combine(_directory, name)], PolicySet.PolicyFiles(_directory));
    }

    [Theory]
    [InlineData("p.TEST.YAML")]
    [InlineData("p.Test.yaml")]
    [InlineData("q.TEST.YML")]
    public void Given_an_example_case_file_with_an_upper_case_extension_When_a_directory_is_loaded_Then_it_is_a_case_file_not_a_policy(string name)
    {
        File.WriteAllText(Path.Combine(_directory, "environments.yaml"), Sets.Environments);
        File.WriteAllText(Path.Combine(_directory, "p.yaml"), Sets.Policy(Rules));
        var without = PolicySet.Load(_directory);
        File.WriteAllText(Path.Combine(_directory, name), "cases: []\n");

        var with = PolicySet.Load(_directory);

        Assert.True(PolicySet.IsTestFile(name));
        Assert.Equal(without.Digest, with.Digest);
        Assert.Equal(["environments.yaml", "p.yaml"], with.Files.Select(f => f.Name));
        Assert.Equal([Path.Combine(_directory, name)], PolicyCases.Files(_directory));
    }

    [Fact]
    public void Given_a_directory_that_does_not_exist_When_loaded_Then_the_diagnostic_names_it()
    {
        var missing = Path.Combine(_directory, "nope");

        var e = Assert.Throws<PolicyLoadException>(() => PolicySet.Load(missing));

        Assert.Equal([$"{missing}:1:1: the policy directory does not exist."], e.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Given_a_published_set_When_rebuilt_Then_it_has_the_same_digest_files_and_policies()
    {
        var set = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var published = new PolicySetPublished(set.Digest, set.Files, "alice", Facts.Now);

        var rebuilt = PolicySet.FromPublished(published);

        Assert.Equal(set.Digest, rebuilt.Digest);
        Assert.Equal(set.Files, rebuilt.Files);
        Assert.Equal(set.Policies.Select(p => p.Id), rebuilt.Policies.Select(p => p.Id));
    }

    [Fact]
    public void Given_a_published_file_whose_content_was_changed_When_rebuilt_Then_the_file_digest_mismatch_is_refused()
    {
        var set = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var original = set.Files.Single(f => f.Name == "p.yaml");
        var tampered = original with { Content = original.Content.Replace("version: \"1\"", "version: \"9\"", StringComparison.Ordinal) };
        var published = new PolicySetPublished(set.Digest, [set.Files[0], tampered], "alice", Facts.Now);

        var e = Assert.Throws<PolicyLoadException>(() => PolicySet.FromPublished(published));

        Assert.Equal($"published file p.yaml has sha256 {Sha256Hex(tampered.Content)}, not the recorded {original.Sha256}.", e.Message);
    }

    [Fact]
    public void Given_a_published_set_with_another_digest_When_rebuilt_Then_the_digest_mismatch_is_refused()
    {
        var set = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var published = new PolicySetPublished(new string('0', 64), set.Files, "alice", Facts.Now);

        var e = Assert.Throws<PolicyLoadException>(() => PolicySet.FromPublished(published));

        Assert.Equal($"the published files have digest {set.Digest}, not the recorded {new string('0', 64)}.", e.Message);
    }

    [Fact]
    public void Given_a_published_set_missing_a_file_When_rebuilt_Then_it_is_refused()
    {
        var set = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var published = new PolicySetPublished(set.Digest, [set.Files.Single(f => f.Name == "p.yaml")], "alice", Facts.Now);

        Assert.Throws<PolicyLoadException>(() => PolicySet.FromPublished(published));
    }

    [Fact]
    public void Given_a_published_set_listing_one_file_twice_When_rebuilt_Then_it_is_refused_as_a_load_error()
    {
        var set = PolicySet.FromFiles(Files(Sets.Policy(Rules)));
        var published = new PolicySetPublished(set.Digest, [.. set.Files, set.Files[1]], "alice", Facts.Now);

        var e = Assert.Throws<PolicyLoadException>(() => PolicySet.FromPublished(published));

        Assert.Equal(["p.yaml:1:1: two files of the set have this name."], e.Diagnostics.Select(d => d.ToString()));
    }
}
