/**
 * Jest's own order (failed files first, then the slowest), except that the files reading the results of the
 * background commands (fixtures/commands.ts: the configured synth and the commands run as users do) go last, so
 * those commands have ended by the time the files ask; in first place a file would wait for them.
 */
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const readsCommandResults = (test) => /\b(commandResult|configuredSynth)\(/.test(readFileSync(test.path, 'utf8'));

class BackgroundResultsLast extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => !readsCommandResults(t)), ...sorted.filter(readsCommandResults)];
  }
}

module.exports = BackgroundResultsLast;
