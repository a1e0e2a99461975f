/** Training jobs: start, follow, cancel, and read their durable state from the store. */
package io.cyclegan.cli.training;
