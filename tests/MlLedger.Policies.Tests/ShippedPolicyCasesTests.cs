using MlLedger.Policies;
using MlLedger.Policies.Testing;

namespace MlLedger.Policies.Tests;

/// <summary>Every example case kept next to the shipped policies reaches its expected decision.</summary>
public sealed class ShippedPolicyCasesTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "ShippedPolicies");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in PolicyCases.Files(Directory))
        {
            foreach (var example in PolicyCases.Read(Path.GetFileName(file), File.ReadAllText(file)))
            {
                data.Add(example.File, example.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Shipped_example_case_reaches_its_expected_decision(string file, string name)
    {
        var set = PolicySet.Load(Directory);
        var example = PolicyCases.Read(file, File.ReadAllText(Path.Combine(Directory, file))).Single(c => c.Name == name);

        var result = PolicyCases.Run(set, example);

        Assert.True(result.Passed, $"{file}: {name}: {result.Mismatch}");
    }

    [Fact]
    public void Shipped_set_has_the_staging_and_production_policies_and_an_environment_mapping()
    {
        var set = PolicySet.Load(Directory);

        Assert.Equal(["production", "staging"], set.Policies.Select(p => p.Id));
        Assert.Equal(MlLedger.Domain.Stage.Production, set.Environments.RequiredStageFor("prod-eu"));
        Assert.Matches("^[0-9a-f]{64}$", set.Digest);
    }
}
