using System.Text;
using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Tests.Dsse;

public sealed class PaeTests
{
    [Fact]
    public void Vector_file_has_all_five_pae_cases() =>
        Assert.Equal(5, VectorFiles.Dsse.GetProperty("pae").GetArrayLength());

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Pae_matches_vector(int index)
    {
        var vector = VectorFiles.Dsse.GetProperty("pae")[index];
        string payloadType = vector.GetProperty("payloadType").GetString()!;
        byte[] payload = Encoding.UTF8.GetBytes(vector.GetProperty("payloadUtf8").GetString()!);

        byte[] pae = Pae.Encode(payloadType, payload);

        Assert.Equal(vector.GetProperty("paeHex").GetString(), Convert.ToHexStringLower(pae));
        Assert.Equal(vector.GetProperty("paeUtf8").GetString(), Encoding.UTF8.GetString(pae));
    }

    [Fact]
    public void Pae_of_in_toto_payload_counts_bytes_without_leading_zeros()
    {
        byte[] pae = Pae.Encode("application/vnd.in-toto+json", new byte[7]);

        Assert.Equal("DSSEv1 28 application/vnd.in-toto+json 7 "u8.ToArray().Concat(new byte[7]), pae);
    }

    [Fact]
    public void Pae_refuses_payload_type_with_lone_surrogate() =>
        Assert.Throws<ArgumentException>(() => Pae.Encode("bad\uD800type", []));
}
