/** {@code cyclegan models}: the published model versions, from their latest-version pointers. */
package io.cyclegan.cli.models;
