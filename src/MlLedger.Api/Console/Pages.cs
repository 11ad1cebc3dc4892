using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MlLedger.Api.Console;

/// <summary>Renders a console component in the console's document and layout as the whole answer of an endpoint, with a status code.</summary>
internal static class Pages
{
    public static IResult Render<TComponent>(int status, Dictionary<string, object?> parameters)
        where TComponent : IComponent =>
        new RazorComponentResult<Layout.Document>(new Dictionary<string, object?>
        {
            [nameof(Layout.Document.Page)] = typeof(TComponent),
            [nameof(Layout.Document.Parameters)] = parameters,
        })
        {
            StatusCode = status,
        };
}
