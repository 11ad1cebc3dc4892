using System.Text.RegularExpressions;
using Antlr4.Runtime;
using Cel;
using Cel.Internal;

namespace MlLedger.Policies.Rules;

/// <summary>A CEL expression that does not compile, at a 1-based line and column of the expression text.</summary>
internal sealed record CelSyntaxError(int Line, int Column, string Message);

/// <summary>
/// Compiles CEL with the <c>Cel</c> package. Its parser reports grammar errors, but its lexer drops characters
/// it does not recognise ("a &amp;&amp;&amp; b" would become "a &amp;&amp; b"); the lexer is run first with
/// a listener that turns those into errors, so nothing in a policy is silently ignored.
/// </summary>
internal static partial class CelCompiler
{
    private static readonly CelEnvironment Environment = new(null, null);

    public static CelProgramDelegate? Compile(string expression, out CelSyntaxError? error)
    {
        error = LexicalError(expression);
        if (error is not null)
        {
            return null;
        }

        try
        {
            var program = Environment.Compile(expression);
            error = UndeclaredRoot(expression, program);
            return error is null ? program : null;
        }
        catch (CelExpressionParserException e)
        {
            var position = Position().Match(e.Message);
            error = position.Success
                ? new CelSyntaxError(int.Parse(position.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(position.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1,
                    e.Message[position.Length..].Trim())
                : new CelSyntaxError(1, 1, e.Message);
            return null;
        }
    }

    private static CelSyntaxError? LexicalError(string expression)
    {
        var lexer = new CelLexer(CharStreams.fromString(expression));
        var listener = new FirstError();
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(listener);
        lexer.GetAllTokens();
        return listener.Error;
    }

    /// <summary>
    /// Runs the program once on an empty input document: a name that is not one of <see cref="CelInput.Variables"/>
    /// is reported now rather than on the first real decision. Other evaluation errors (an empty list, a null
    /// promotion) are expected on empty input and are not errors.
    /// </summary>
    private static CelSyntaxError? UndeclaredRoot(string expression, CelProgramDelegate program)
    {
        var empty = CelInput.Variables.ToDictionary(v => v, v => (object?)(v is "request" or "modelVersion" ? new Dictionary<string, object?>() : v == "promotion" ? null : new List<object?>()));
        try
        {
            program(empty);
        }
        catch (CelUndeclaredReferenceException e)
        {
            return new CelSyntaxError(1, 1, $"{e.Message} The input document has: {string.Join(", ", CelInput.Variables)}.");
        }
        catch (Exception)
        {
            // fields are absent from the empty document (and a function may fail on them): only undeclared roots
            // are reported here; the rule itself fails on such errors when it is evaluated
        }

        return null;
    }

    [GeneratedRegex(@"^Line (\d+):(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Position();

    private sealed class FirstError : IAntlrErrorListener<int>
    {
        public CelSyntaxError? Error { get; private set; }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine,
            string msg, RecognitionException e) =>
            Error ??= new CelSyntaxError(line, charPositionInLine + 1, msg);
    }
}
