/**
 * Paged listings (datasets, a dataset's images, models, jobs): one page per call over either
 * transport, {@code --limit/--after/--all}, and their printing.
 */
package io.cyclegan.cli.listing;
