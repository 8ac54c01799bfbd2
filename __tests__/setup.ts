import { Testing } from 'cdktf';
// Type declarations of the matchers below (a global augmentation of jest.Matchers).
import type {} from 'cdktf/lib/testing/adapters/jest';

// cdktf's own matchers: toHaveResourceWithProperties, toHaveProviderWithProperties, …
Testing.setupJest();
