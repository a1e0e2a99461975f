/**
 * The versioned, checksummed stream formats for full training checkpoints and generators-only
 * exports.
 */
package io.cyclegan.model.checkpoint;
