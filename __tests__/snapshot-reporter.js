/**
 * After a run whose only trouble may be snapshots, says what to do: a config change changes the synthesized
 * Terraform, and its snapshots are updated on purpose, once, with `npx jest -u`, then reviewed like code.
 */
class SnapshotAdvice {
  onRunComplete(_contexts, results) {
    const { unmatched, unchecked, filesRemoved, didUpdate } = results.snapshot;
    if (didUpdate) return;
    // A snapshot missing under --ci counts as unmatched too; tell it apart by jest's message.
    const notWritten = results.testResults
      .flatMap((file) => file.testResults)
      .filter((test) => test.failureMessages.some((m) => m.includes('New snapshot was not written'))).length;
    if (unmatched + unchecked + filesRemoved === 0) return;
    const parts = [`${unmatched - notWritten} changed`, `${notWritten} new`, `${unchecked + filesRemoved} obsolete`];
    process.stderr.write(
      `\nSnapshots differ from the code and config (${parts.join(', ')}). If that change is intended, run \`npx jest -u\`, ` +
        'review the diff (git diff __tests__) and commit it; otherwise the diff above shows what your change did.\n',
    );
  }
}
module.exports = SnapshotAdvice;
