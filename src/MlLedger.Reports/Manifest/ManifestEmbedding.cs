using System.IO.Compression;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace MlLedger.Reports.Manifest;

/// <summary>
/// Stores the manifest as a standard embedded file (catalog /Names /EmbeddedFiles, also listed in the catalog's /AF
/// array with relationship /Data) so that any PDF tool can list and extract it, e.g. <c>pdfdetach -list</c>.
/// The stream is Flate-compressed.
/// </summary>
internal static class ManifestEmbedding
{
    public static void Attach(PdfDocument document, ReportManifest manifest)
    {
        var json = manifest.ToJson();
        Attach(document, Deflate(json), json.Length);
    }

    /// <summary>Embeds <paramref name="deflated"/> as the manifest's Flate-compressed stream, as it is (tests embed hostile ones).</summary>
    internal static void Attach(PdfDocument document, byte[] deflated, int size)
    {
        var file = new PdfDictionary(document);
        document.Internals.AddObject(file);
        file.Elements.SetName("/Type", "/EmbeddedFile");
        file.Elements.SetName("/Subtype", "/application/json");
        var parameters = new PdfDictionary(document);
        parameters.Elements.SetInteger("/Size", size);
        file.Elements["/Params"] = parameters;
        file.Elements.SetName("/Filter", "/FlateDecode");
        file.CreateStream(deflated);

        var spec = new PdfDictionary(document);
        document.Internals.AddObject(spec);
        spec.Elements.SetName("/Type", "/Filespec");
        spec.Elements.SetString("/F", ReportManifest.FileName);
        spec.Elements.SetString("/UF", ReportManifest.FileName);
        spec.Elements.SetString("/Desc", "MlLedger report manifest: checkpoint, signed note and cited ledger entries");
        spec.Elements.SetName("/AFRelationship", "/Data");
        var ef = new PdfDictionary(document);
        ef.Elements.SetReference("/F", file);
        spec.Elements["/EF"] = ef;

        var names = new PdfArray(document);
        names.Elements.Add(new PdfString(ReportManifest.FileName));
        names.Elements.Add(spec.Reference!);
        var embedded = new PdfDictionary(document);
        embedded.Elements["/Names"] = names;
        var nameTree = new PdfDictionary(document);
        nameTree.Elements["/EmbeddedFiles"] = embedded;
        var catalog = document.Internals.Catalog;
        catalog.Elements["/Names"] = nameTree;
        var af = new PdfArray(document);
        af.Elements.Add(spec.Reference!);
        catalog.Elements["/AF"] = af;
    }

    static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    /// <summary>Inflates at most <paramref name="max"/> bytes: a deflate bomb stops here, not when memory runs out.</summary>
    static byte[] Inflate(byte[] data, int max)
    {
        using var input = new ZLibStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            if (output.Length + n > max)
                throw new FormatException($"The report manifest inflates to more than {max:N0} bytes; it is refused unread.");
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }

    /// <summary>The manifest's bytes; <see cref="FormatException"/>, and no other exception, for bytes that do not hold one.</summary>
    public static byte[] Extract(byte[] pdf, int maxManifestBytes)
    {
        try
        {
            return Find(pdf, maxManifestBytes);
        }
        catch (Exception e) when (e is not (FormatException or OutOfMemoryException))
        {
            // PDFsharp's reader and the inflater throw many types on malformed input (parser errors, invalid data,
            // index and cast errors on broken object graphs): for a caller they all mean the same thing.
            throw new FormatException("The bytes are not a PDF that can be read.", e);
        }
    }

    static byte[] Find(byte[] pdf, int maxManifestBytes)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf, writable: false), PdfDocumentOpenMode.Import);
        var names = document.Internals.Catalog.Elements.GetDictionary("/Names")?.Elements.GetDictionary("/EmbeddedFiles")?.Elements.GetArray("/Names");
        for (var i = 0; names is not null && i + 1 < names.Elements.Count; i += 2)
        {
            if (names.Elements[i] is not PdfString name || name.Value != ReportManifest.FileName) continue;
            var spec = Resolve(names.Elements[i + 1]);
            var file = Resolve(spec?.Elements.GetDictionary("/EF")?.Elements["/F"]);
            if (file?.Stream is null) break;
            var raw = file.Stream.Value;
            return file.Elements.GetName("/Filter") switch
            {
                "" when raw.Length <= maxManifestBytes => raw,
                "" => throw new FormatException($"The report manifest has more than {maxManifestBytes:N0} bytes; it is refused unread."),
                "/FlateDecode" => Inflate(raw, maxManifestBytes),
                var other => throw new FormatException($"The report manifest uses the unsupported filter {other}."),
            };
        }
        throw new FormatException($"The PDF has no embedded {ReportManifest.FileName}: it is not an MlLedger report, or the manifest was removed.");
    }

    static PdfDictionary? Resolve(PdfItem? item) => item switch
    {
        PdfReference r => r.Value as PdfDictionary,
        PdfDictionary d => d,
        _ => null,
    };
}
