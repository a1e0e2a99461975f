/**
 * A deterministic synthetic unpaired data set with a known A-to-B mapping, and the L1 metrics that
 * measure translation against it.
 */
package io.cyclegan.model.synthetic;
