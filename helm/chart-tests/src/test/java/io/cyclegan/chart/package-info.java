/** Tests that render the Helm chart in the JVM and assert on the manifests. */
package io.cyclegan.chart;
