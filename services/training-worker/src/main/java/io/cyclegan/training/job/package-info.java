/** One training job: its durable state in the store, its events, and the run on its own thread. */
package io.cyclegan.training.job;
