/** The {@code cyclegan} command line: picocli wiring, the shared context and exit codes. */
package io.cyclegan.cli;
