/** What a person sees while a command runs: progress bars, live lines, durations. */
package io.cyclegan.cli.console;
