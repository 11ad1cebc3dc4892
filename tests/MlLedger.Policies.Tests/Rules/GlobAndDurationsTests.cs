using MlLedger.Policies.Rules;

namespace MlLedger.Policies.Tests.Rules;

public sealed class GlobTests
{
    [Theory]
    [InlineData("churn", "churn", true)]
    [InlineData("churn", "Churn", false)]
    [InlineData("churn", "churn2", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything at all", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("?", "", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "ab", false)]
    [InlineData("a*", "a", true)]
    [InlineData("*a", "ba", true)]
    [InlineData("*a", "ab", false)]
    [InlineData("a*a", "a", false)]
    [InlineData("a*a", "aa", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "abcabc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("**", "x", true)]
    [InlineData("*?", "", false)]
    [InlineData("*?", "a", true)]
    [InlineData("*aab", "aaab", true)]
    [InlineData("*-eu", "churn-eu", true)]
    [InlineData("*-eu", "churn-eu-2", false)]
    [InlineData("*.*", "file.tar.gz", true)]
    [InlineData("[a]", "[a]", true)]
    [InlineData("[a]", "a", false)]
    [InlineData("\\*", "\\anything", true)]
    [InlineData("fraud-?", "fraud-1", true)]
    [InlineData("fraud-?", "fraud-12", false)]
    public void Given_a_pattern_and_a_value_When_matched_Then_star_is_any_run_and_question_mark_one_character(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, Glob.Matches(pattern, value));
    }
}

public sealed class DurationsTests
{
    [Theory]
    [InlineData("24h", 0, 24, 0, 0)]
    [InlineData("7d", 7, 0, 0, 0)]
    [InlineData("1h30m", 0, 1, 30, 0)]
    [InlineData("90m", 0, 0, 90, 0)]
    [InlineData("45s", 0, 0, 0, 45)]
    [InlineData("1d2h3m4s", 1, 2, 3, 4)]
    [InlineData("1d4s", 1, 0, 0, 4)]
    [InlineData("0h30m", 0, 0, 30, 0)]
    [InlineData("36h", 0, 36, 0, 0)]
    [InlineData("999999d", 999999, 0, 0, 0)]
    public void Given_a_duration_in_units_When_parsed_Then_the_units_add_up(string text, int days, int hours, int minutes, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));

        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), duration);
    }

    [Theory]
    [InlineData("0h")]
    [InlineData("0d0h0m0s")]
    [InlineData("24")]
    [InlineData("h")]
    [InlineData("1m2h")]
    [InlineData("1h1h")]
    [InlineData("1s1d")]
    [InlineData("")]
    [InlineData("1d 2h")]
    [InlineData(" 1h")]
    [InlineData("1h ")]
    [InlineData("1H")]
    [InlineData("1.5h")]
    [InlineData("+1h")]
    [InlineData("-1h")]
    [InlineData("1w")]
    [InlineData("1dh")]
    [InlineData("1000000d")]
    [InlineData("١h")]
    public void Given_a_duration_that_is_not_in_units_in_order_When_parsed_Then_it_is_refused(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0, "0s")]
    [InlineData(0, 0, 0, 0, 500, "0s")]
    [InlineData(0, 0, 90, 0, 0, "1h30m")]
    [InlineData(1, 0, 0, 0, 0, "1d")]
    [InlineData(0, 25, 0, 0, 0, "1d1h")]
    [InlineData(1, 0, 0, 5, 0, "1d5s")]
    [InlineData(0, 0, 0, 1, 500, "1s")]
    [InlineData(400, 0, 0, 0, 0, "400d")]
    [InlineData(0, 0, -90, 0, 0, "-1h30m")]
    public void Given_a_time_span_When_formatted_Then_it_is_written_as_a_policy_would_write_it(int days, int hours, int minutes, int seconds, int milliseconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(new TimeSpan(days, hours, minutes, seconds, milliseconds)));
    }

    [Theory]
    [InlineData("24h")]
    [InlineData("1d2h3m4s")]
    [InlineData("90m")]
    [InlineData("100000s")]
    public void Given_a_parsed_duration_When_formatted_and_parsed_again_Then_it_is_the_same_time_span(string text)
    {
        Assert.True(Durations.TryParse(text, out var duration));

        Assert.True(Durations.TryParse(Durations.Format(duration), out var again));
        Assert.Equal(duration, again);
    }
}
