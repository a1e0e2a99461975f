/** Benchmarks run by scripts/ against the in-process pipeline of {@code cyclegan up}. */
package io.cyclegan.cli.bench;
