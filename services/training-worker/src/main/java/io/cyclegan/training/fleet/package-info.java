/**
 * The training fleet: the queue of jobs in the store, and the leases that let one worker run each.
 */
package io.cyclegan.training.fleet;
