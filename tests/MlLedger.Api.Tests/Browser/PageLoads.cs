using Microsoft.Playwright;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// Waiting for the page an action leads to, without losing it on the way.
/// <para>
/// Playwright's <c>WaitForURLAsync</c> (Microsoft.Playwright 1.64) first looks at the frame's address and load states,
/// then starts listening for the next event. It looks on the test's thread while Playwright's connection delivers the
/// browser's events on another, so a <c>load</c> delivered between the look and the listening reaches nobody and the
/// wait ends only at its timeout, its log showing nothing but the <c>"NetworkIdle" event fired</c> that followed
/// (microsoft/playwright-dotnet#3364). A click returns once the navigation it started has committed, just before that
/// page's load, which is where the wait after it looks. Here the listener is in place before the action begins, and it
/// reads the address on the thread that delivers the events, in their order: nothing is looked at first, so nothing
/// can slip between looking and listening.
/// </para>
/// </summary>
public static class PageLoads
{
    /// <summary>How long the page an action leads to may take to load: Playwright's own default for a navigation.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="action"/> and returns the address of the first page of <paramref name="page"/> that loads
    /// (its <c>load</c> event) after the action began at an address where <paramref name="wanted"/> holds; pages that
    /// load in between at other addresses are passed. Null when none has within <see cref="Patience"/>.
    /// </summary>
    public static async Task<string?> RunAndWaitForLoadAsync(IPage page, Func<Task> action, Func<string, bool> wanted)
    {
        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage loaded)
        {
            // the address of the document that loaded: its "navigated" came before its "load", on this same thread
            var url = loaded.Url;
            if (wanted(url))
            {
                arrived.TrySetResult(url);
            }
        }

        page.Load += OnLoad;
        try
        {
            await action();
            return await Task.WhenAny(arrived.Task, Task.Delay(Patience)) == arrived.Task ? await arrived.Task : null;
        }
        finally
        {
            page.Load -= OnLoad;
        }
    }
}
