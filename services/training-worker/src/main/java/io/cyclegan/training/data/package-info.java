/** Datasets copied from the store to local disk, verified by their content hash. */
package io.cyclegan.training.data;
