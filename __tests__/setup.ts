import { Testing } from 'cdktf';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
// Type declarations of the matchers below (a global augmentation of jest.Matchers).
import type {} from 'cdktf/lib/testing/adapters/jest';

// cdktf's own matchers: toHaveResourceWithProperties, toHaveProviderWithProperties, …
Testing.setupJest();

// What the tests put in the temporary directory — cdktf's Testing outdirs, scratch projects and synths, the files of
// the commands they run — goes under this run's scratch folder, which global-teardown.js removes.
if (process.env.TELEMETRY_TEST_SCRATCH) {
  const scratch = join(process.env.TELEMETRY_TEST_SCRATCH, 'tmp');
  mkdirSync(scratch, { recursive: true });
  process.env.TMPDIR = scratch;
}
