/** {@code cyclegan dlq}: what landed in a dead-letter topic and why, and replaying it. */
package io.cyclegan.cli.dlq;
