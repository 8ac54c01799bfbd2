/**
 * The model in words: the one place that turns its enums and records into what a reviewer reads. The report's and
 * the review's renderers use these (`import * as words from './words'`); no tool reads them back. By subject:
 */
export * from './model';
export * from './access';
export * from './sections';
export * from './document';
export * from './controls';
export * from './erasure';
export * from './cost';
export * from './review';
export * from './workspaces';
