/**
 * Image sources, the reference augmentation (resize, random crop, flip) and unaligned sampling,
 * prepared on a background thread.
 */
package io.cyclegan.model.data;
