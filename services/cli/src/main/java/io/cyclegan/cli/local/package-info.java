/** {@code cyclegan up} and {@code cyclegan demo}: the whole pipeline in one JVM (to come). */
package io.cyclegan.cli.local;
