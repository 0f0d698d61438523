// Ends every `npm test` with the plain line CI reads: "N passed, N failed". A suite that could not
// run at all (a syntax or import error) counts as a failure, since jest counts no test in it.
class CountReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = CountReporter;
