/** The training worker: turns training commands into CycleGAN runs and reports on them. */
package io.cyclegan.training;
