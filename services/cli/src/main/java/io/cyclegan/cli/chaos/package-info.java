/** The chaos run: the pipeline under steady load while a seeded schedule of faults hits it. */
package io.cyclegan.cli.chaos;
